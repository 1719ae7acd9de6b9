import type { ShippedFunction } from '../closure/shipped-function.js'

/**
 * How a worker computes one partition: a tree whose leaves read data and
 * whose inner nodes are the fused narrow operations of one stage. The driver
 * builds it from the RDD lineage (`RDD.plan`); a worker runs it as one
 * push-based loop, so `flatMap → map → filter → map-side combine` makes no
 * intermediate arrays. Everything here is plain data that survives
 * structured clone; bulk bytes sit on SharedArrayBuffers, shared rather
 * than copied.
 */
export type PlanNode =
  | { readonly kind: 'data'; readonly bytes: Uint8Array | null }
  | { readonly kind: 'textRange'; readonly path: string; readonly start: number; readonly end: number }
  | { readonly kind: 'textLines'; readonly bytes: Uint8Array | null }
  | { readonly kind: 'recordFile'; readonly path: string }
  | { readonly kind: 'narrow'; readonly op: NarrowOp; readonly input: PlanNode }
  | { readonly kind: 'concat'; readonly inputs: readonly PlanNode[] }
  | { readonly kind: 'cartesian'; readonly left: PlanNode; readonly right: PlanNode }
  | { readonly kind: 'shuffleRead'; readonly blocks: readonly (Uint8Array | null)[]; readonly aggregate: ReduceSide | null; readonly ordering: KeyOrdering | null }
  | { readonly kind: 'cogroup'; readonly inputs: readonly PlanNode[] }
  | { readonly kind: 'cache'; readonly rddId: number; readonly partition: number; readonly input: PlanNode }
  | StateUpdateNode
  | StateSnapshotNode

/** How to rebuild a partition's keyed state at a version: an image, then the changes of later batches. */
export interface StateRestore {
  readonly base: Uint8Array | null
  readonly baseVersion: number | null
  readonly deltas: readonly { readonly version: number; readonly bytes: Uint8Array }[]
}

/** One batch of mapWithState on one partition: `input`'s records applied to the state at `previousVersion`. */
export interface StateUpdateNode {
  readonly kind: 'stateUpdate'
  readonly storeId: number
  readonly partition: number
  readonly version: number
  readonly previousVersion: number
  readonly fn: ShippedFunction
  readonly withTime: boolean
  readonly timeoutMs: number | null
  readonly input: PlanNode
  readonly restore: StateRestore
  /** Also return a full image, so the driver can drop the changes before it. */
  readonly compact: boolean
}

export interface StateSnapshotNode {
  readonly kind: 'stateSnapshot'
  readonly storeId: number
  readonly partition: number
  readonly version: number
  readonly restore: StateRestore
}

/** What a state update changed: encoded `[key, state, updatedAt]` / `[key]` entries, and an image when compacting. */
export interface StateChanges {
  readonly storeId: number
  readonly partition: number
  readonly version: number
  readonly changes: Uint8Array
  readonly image: Uint8Array | null
}

export type NarrowOp =
  | { readonly kind: 'map'; readonly fn: ShippedFunction }
  | { readonly kind: 'flatMap'; readonly fn: ShippedFunction }
  | { readonly kind: 'filter'; readonly fn: ShippedFunction }
  | { readonly kind: 'mapPartitions'; readonly fn: ShippedFunction; readonly partition: number }
  | { readonly kind: 'combineByKey'; readonly aggregate: ReduceSide }
  | { readonly kind: 'keyFilter'; readonly key: Uint8Array }
  | { readonly kind: 'updateState'; readonly fn: ShippedFunction; readonly timeMs: number; readonly withTimeAndKey: boolean }

/** Spark's Aggregator: how values of one key become a combined value. */
export interface Aggregator {
  readonly createCombiner: ShippedFunction
  readonly mergeValue: ShippedFunction
  readonly mergeCombiners: ShippedFunction
}

/** The reduce side of a shuffle: values arrive raw (merged with mergeValue) or already combined on the map side (merged with mergeCombiners). */
export interface ReduceSide {
  readonly aggregator: Aggregator
  readonly mapSideCombined: boolean
}

export interface KeyOrdering {
  readonly ascending: boolean
}

/** Where a record of a shuffle goes; `range` bounds are encoded keys in ascending order. */
export type PartitionerSpec =
  | { readonly kind: 'hash'; readonly numPartitions: number }
  | { readonly kind: 'range'; readonly numPartitions: number; readonly bounds: Uint8Array; readonly ascending: boolean }
  | { readonly kind: 'roundRobin'; readonly numPartitions: number }

/** What a task does with the records of its partition. */
export type TaskOutput =
  | { readonly kind: 'collect' }
  | { readonly kind: 'count' }
  | { readonly kind: 'take'; readonly n: number }
  | { readonly kind: 'fold'; readonly fn: ShippedFunction; readonly zero: Uint8Array | null }
  | { readonly kind: 'takeOrdered'; readonly n: number; readonly descending: boolean; readonly compare: ShippedFunction | null }
  | { readonly kind: 'foreach'; readonly fn: ShippedFunction }
  | { readonly kind: 'foreachPartition'; readonly fn: ShippedFunction }
  | { readonly kind: 'saveAsTextFile'; readonly directory: string }
  | { readonly kind: 'writeRecords'; readonly directory: string }
  | { readonly kind: 'shuffleWrite'; readonly partitioner: PartitionerSpec; readonly combine: Aggregator | null }

export interface TaskDescription {
  readonly jobId: number
  readonly stageId: number
  readonly partition: number
  readonly attempt: number
  readonly plan: PlanNode
  readonly output: TaskOutput
  readonly broadcasts: ReadonlyMap<number, Uint8Array>
}

/** A successful task's answer; `value` is the encoded result (SharedArrayBuffer-backed) or the shuffle blocks. */
export type TaskResult =
  | {
      readonly kind: 'done'
      readonly value: Uint8Array | null
      readonly blocks: readonly (Uint8Array | null)[] | null
      readonly cachedBlocks: readonly CachedBlock[]
      readonly accumulatorUpdates: readonly [number, number][]
      readonly stateChanges: readonly StateChanges[]
      readonly recordsRead: number
    }
  | { readonly kind: 'failed'; readonly name: string; readonly message: string; readonly stack: string }

export interface CachedBlock {
  readonly rddId: number
  readonly partition: number
  readonly bytes: Uint8Array
}
