import type { SparkContext } from '../spark-context.js'
import type { Dependency } from './dependency.js'
import { RDD } from './internal.js'
import type { PlanNode } from './plan.js'

/** `sc.union(...)`: the partitions of every parent, in order, without a shuffle. */
export class UnionRDD<T> extends RDD<T> {
  readonly #parents: readonly RDD<T>[]

  constructor(context: SparkContext, parents: readonly RDD<T>[]) {
    super(context, 'union')
    this.#parents = parents
  }

  getNumPartitions(): number {
    return this.#parents.reduce((total, parent) => total + parent.getNumPartitions(), 0)
  }

  get dependencies(): readonly Dependency[] {
    return this.#parents.map((rdd) => ({ kind: 'narrow', rdd }))
  }

  protected compute(partition: number): PlanNode {
    let index = partition
    for (const parent of this.#parents) {
      const count = parent.getNumPartitions()
      if (index < count) return parent.plan(index)
      index -= count
    }
    throw new RangeError(`partition ${partition} of ${this} does not exist`)
  }
}
