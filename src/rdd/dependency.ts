import assert from 'node:assert'

import type { Partitioner } from './partitioner.js'
import type { Aggregator } from './plan.js'
import type { RDD } from './rdd.js'

/** Each partition of the child depends on a bounded set of the parent's partitions: the two run in one task. */
export interface NarrowDependency {
  readonly kind: 'narrow'
  readonly rdd: RDD<unknown>
}

/**
 * The child's partitions depend on all of the parent's: a stage boundary.
 * The parent's stage writes one block per child partition; the partitioner
 * may be known only after a sampling job (`prepare`), as for sortByKey.
 */
export class ShuffleDependency {
  readonly kind = 'shuffle'
  #partitioner: Partitioner | null

  constructor(
    readonly shuffleId: number,
    readonly rdd: RDD<unknown>,
    partitioner: Partitioner | null,
    readonly aggregator: Aggregator | null,
    readonly mapSideCombine: boolean,
    readonly resolvePartitioner: (() => Promise<Partitioner>) | null = null,
  ) {
    this.#partitioner = partitioner
  }

  get partitioner(): Partitioner {
    assert(this.#partitioner !== null, `shuffle ${this.shuffleId} used before its partitioner was prepared`)
    return this.#partitioner
  }

  async prepare(): Promise<void> {
    if (this.#partitioner === null && this.resolvePartitioner !== null) this.#partitioner = await this.resolvePartitioner()
  }
}

export type Dependency = NarrowDependency | ShuffleDependency
