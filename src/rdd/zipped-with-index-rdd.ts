import assert from 'node:assert'

import { capture } from '../closure/ship.js'
import { shipFunction } from '../closure/ship.js'
import type { Dependency } from './dependency.js'
import { RDD } from './internal.js'
import type { PlanNode } from './plan.js'

/**
 * `zipWithIndex()`: each record paired with its position in the RDD's
 * order. As in Spark, the partition sizes are counted by a job first, so
 * each partition knows the index it starts at.
 */
export class ZippedWithIndexRDD<T> extends RDD<[T, number]> {
  readonly #parent: RDD<T>
  #startIndices: readonly number[] | null = null

  constructor(parent: RDD<T>) {
    super(parent.context, 'zipWithIndex')
    this.#parent = parent
  }

  getNumPartitions(): number {
    return this.#parent.getNumPartitions()
  }

  get dependencies(): readonly Dependency[] {
    return [{ kind: 'narrow', rdd: this.#parent }]
  }

  protected override async prepareOnce(): Promise<void> {
    const sizes = await this.context.runJob<number>(this.#parent, { kind: 'count' })
    let next = 0
    this.#startIndices = sizes.map((size) => {
      const start = next
      next += size
      return start
    })
  }

  protected compute(partition: number): PlanNode {
    assert(this.#startIndices !== null, 'zipWithIndex planned before its partition sizes were counted')
    const start = this.#startIndices[partition] ?? 0
    const numberFrom = capture({ start }, function* (values: Iterable<unknown>) {
      let index = start
      for (const value of values) yield [value, index++]
    })
    return { kind: 'narrow', op: { kind: 'mapPartitions', fn: shipFunction(numberFrom, 'zipWithIndex'), partition }, input: this.#parent.plan(partition) }
  }
}
