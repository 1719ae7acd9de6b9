import type { ShippedFunction } from '../closure/shipped-function.js'
import type { Dependency } from '../rdd/dependency.js'
import { RDD } from '../rdd/index.js'
import type { PlanNode } from '../rdd/plan.js'
import type { StateChangeLog } from './state-change-log.js'

export interface MapWithStateBatch {
  readonly storeId: number
  readonly log: StateChangeLog
  /** This batch's time: the state version it produces. */
  readonly version: number
  /** The state version it starts from (the previous batch time). */
  readonly previousVersion: number
  readonly fn: ShippedFunction
  readonly withTime: boolean
  readonly timeoutMs: number | null
  /** Resolves once the stream's initial state is in the log. */
  readonly ready: () => Promise<void>
}

/**
 * One batch of mapWithState: partition p applies the batch's records for p
 * (already partitioned by key) to the state resident on executor p, and
 * holds what the mapping function returned. Batches must apply in time
 * order, so preparing this RDD first makes sure the previous batch's
 * changes are in the log.
 */
export class MapWithStateRDD<M> extends RDD<M> {
  readonly #input: RDD<unknown>
  readonly #batch: MapWithStateBatch
  #previous: RDD<unknown> | null

  constructor(input: RDD<unknown>, batch: MapWithStateBatch, previous: RDD<unknown> | null) {
    super(input.context, 'mapWithState')
    this.#input = input
    this.#batch = batch
    this.#previous = previous
  }

  getNumPartitions(): number {
    return this.#input.getNumPartitions()
  }

  get dependencies(): readonly Dependency[] {
    return [{ kind: 'narrow', rdd: this.#input }]
  }

  override preferredLocation(partition: number): number {
    return partition
  }

  protected override async prepareOnce(): Promise<void> {
    const { log, previousVersion } = this.#batch
    await this.#batch.ready()
    const latest = log.latestVersion
    if (this.#previous !== null && (latest === null || latest < previousVersion)) await this.context.runJob(this.#previous, { kind: 'count' })
    // Only the order mattered; keeping the reference would chain every batch to the first.
    this.#previous = null
  }

  protected compute(partition: number): PlanNode {
    const { storeId, log, version, previousVersion, fn, withTime, timeoutMs } = this.#batch
    return {
      kind: 'stateUpdate',
      storeId,
      partition,
      version,
      previousVersion,
      fn,
      withTime,
      timeoutMs,
      input: this.#input.plan(partition),
      restore: log.restore(partition),
      compact: log.needsCompaction(partition),
    }
  }
}

/** `stateSnapshots()`: every key and its state after a batch, read from the executors that hold it. */
export class StateSnapshotRDD<K, S> extends RDD<[K, S]> {
  readonly #mapped: MapWithStateRDD<unknown>
  readonly #batch: MapWithStateBatch

  constructor(mapped: MapWithStateRDD<unknown>, batch: MapWithStateBatch) {
    super(mapped.context, 'stateSnapshots')
    this.#mapped = mapped
    this.#batch = batch
  }

  getNumPartitions(): number {
    return this.#mapped.getNumPartitions()
  }

  get dependencies(): readonly Dependency[] {
    return [{ kind: 'narrow', rdd: this.#mapped }]
  }

  override preferredLocation(partition: number): number {
    return partition
  }

  /** The snapshot is of the state after this batch, so the batch must have been applied. */
  protected override async prepareOnce(): Promise<void> {
    const latest = this.#batch.log.latestVersion
    if (latest === null || latest < this.#batch.version) await this.context.runJob(this.#mapped, { kind: 'count' })
  }

  protected compute(partition: number): PlanNode {
    const { storeId, log, version } = this.#batch
    return { kind: 'stateSnapshot', storeId, partition, version, restore: log.restore(partition) }
  }
}
