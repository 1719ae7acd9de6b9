import type { SparkContext } from '../spark-context.js'
import type { Dependency } from './dependency.js'
import { RDD } from './internal.js'
import type { Partitioner } from './partitioner.js'
import type { PlanNode } from './plan.js'

/**
 * `sc.union(...)`: the partitions of every parent, in order, without a
 * shuffle. When every parent has the same partitioner, Spark's
 * PartitionerAwareUnionRDD is made instead: partition i unions the parents'
 * partitions i and the partitioner is kept, so a keyed operation after it
 * (a window's reduceByKey) needs no shuffle.
 */
export class UnionRDD<T> extends RDD<T> {
  readonly #parents: readonly RDD<T>[]

  constructor(context: SparkContext, parents: readonly RDD<T>[]) {
    super(context, 'union')
    this.#parents = parents
  }

  getNumPartitions(): number {
    const shared = this.partitioner
    return shared !== null ? shared.numPartitions : this.#parents.reduce((total, parent) => total + parent.getNumPartitions(), 0)
  }

  override get partitioner(): Partitioner | null {
    const first = this.#parents[0]?.partitioner ?? null
    return first !== null && this.#parents.every((parent) => first.equals(parent.partitioner)) ? first : null
  }

  get dependencies(): readonly Dependency[] {
    return this.#parents.map((rdd) => ({ kind: 'narrow', rdd }))
  }

  protected compute(partition: number): PlanNode {
    if (this.partitioner !== null) return { kind: 'concat', inputs: this.#parents.map((parent) => parent.plan(partition)) }
    let index = partition
    for (const parent of this.#parents) {
      const count = parent.getNumPartitions()
      if (index < count) return parent.plan(index)
      index -= count
    }
    throw new RangeError(`partition ${partition} of ${this} does not exist`)
  }
}
