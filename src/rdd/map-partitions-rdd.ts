import type { ShippedFunction } from '../closure/shipped-function.js'
import type { Dependency } from './dependency.js'
import { RDD } from './internal.js'
import type { Partitioner } from './partitioner.js'
import type { NarrowOp, PlanNode } from './plan.js'

/** A narrow operation before the partition index is known: what `MapPartitionsRDD` applies. */
export type NarrowStep =
  | { readonly kind: 'mapPartitions'; readonly fn: ShippedFunction }
  | Exclude<NarrowOp, { kind: 'mapPartitions' }>

/**
 * The RDD of a narrow, per-record or per-partition operation (map, flatMap,
 * filter, mapPartitions, ...). A worker runs it fused with its parent's
 * plan, in the same loop. It keeps the parent's partitioner only when the
 * operation cannot change keys (mapValues, filter).
 */
export class MapPartitionsRDD<T> extends RDD<T> {
  readonly #parent: RDD<unknown>
  readonly #step: NarrowStep
  readonly #preservesPartitioning: boolean

  constructor(parent: RDD<unknown>, operation: string, step: NarrowStep, preservesPartitioning: boolean) {
    super(parent.context, operation)
    this.#parent = parent
    this.#step = step
    this.#preservesPartitioning = preservesPartitioning
  }

  getNumPartitions(): number {
    return this.#parent.getNumPartitions()
  }

  get dependencies(): readonly Dependency[] {
    return [{ kind: 'narrow', rdd: this.#parent }]
  }

  override get partitioner(): Partitioner | null {
    return this.#preservesPartitioning ? this.#parent.partitioner : null
  }

  protected compute(partition: number): PlanNode {
    const step = this.#step
    const op: NarrowOp = step.kind === 'mapPartitions' ? { kind: 'mapPartitions', fn: step.fn, partition } : step
    return { kind: 'narrow', op, input: this.#parent.plan(partition) }
  }
}
