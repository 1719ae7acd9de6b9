import type { Dependency } from './dependency.js'
import { RDD } from './internal.js'
import type { PlanNode } from './plan.js'

/**
 * `coalesce(n)` without a shuffle: each partition reads a run of adjacent
 * parent partitions, so the count can only go down.
 */
export class CoalescedRDD<T> extends RDD<T> {
  readonly #parent: RDD<T>
  readonly #numPartitions: number

  constructor(parent: RDD<T>, numPartitions: number) {
    super(parent.context, 'coalesce')
    this.#parent = parent
    this.#numPartitions = Math.min(numPartitions, parent.getNumPartitions())
  }

  getNumPartitions(): number {
    return this.#numPartitions
  }

  get dependencies(): readonly Dependency[] {
    return [{ kind: 'narrow', rdd: this.#parent }]
  }

  protected compute(partition: number): PlanNode {
    const parents = this.#parent.getNumPartitions()
    const start = Math.floor((partition * parents) / this.#numPartitions)
    const end = Math.floor(((partition + 1) * parents) / this.#numPartitions)
    const inputs: PlanNode[] = []
    for (let index = start; index < end; index++) inputs.push(this.#parent.plan(index))
    return { kind: 'concat', inputs }
  }
}
