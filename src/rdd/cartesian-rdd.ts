import type { Dependency } from './dependency.js'
import { RDD } from './internal.js'
import type { PlanNode } from './plan.js'

/** `a.cartesian(b)`: partition (i, j) pairs every record of a's partition i with every record of b's partition j. */
export class CartesianRDD<T, U> extends RDD<[T, U]> {
  readonly #left: RDD<T>
  readonly #right: RDD<U>

  constructor(left: RDD<T>, right: RDD<U>) {
    super(left.context, 'cartesian')
    this.#left = left
    this.#right = right
  }

  getNumPartitions(): number {
    return this.#left.getNumPartitions() * this.#right.getNumPartitions()
  }

  get dependencies(): readonly Dependency[] {
    return [{ kind: 'narrow', rdd: this.#left }, { kind: 'narrow', rdd: this.#right }]
  }

  protected compute(partition: number): PlanNode {
    const rightPartitions = this.#right.getNumPartitions()
    return {
      kind: 'cartesian',
      left: this.#left.plan(Math.floor(partition / rightPartitions)),
      right: this.#right.plan(partition % rightPartitions),
    }
  }
}
