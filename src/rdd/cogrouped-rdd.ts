import { ShuffleDependency, type Dependency } from './dependency.js'
import { RDD } from './internal.js'
import type { Partitioner } from './partitioner.js'
import type { PlanNode } from './plan.js'

/**
 * Spark's CoGroupedRDD: `[key, [values of parent 0, values of parent 1, ...]]`
 * for every key of any parent. A parent already partitioned like the result
 * is read in place (a narrow dependency); the others are shuffled. The
 * joins and subtractByKey are built on it.
 */
export class CoGroupedRDD<K> extends RDD<[K, unknown[][]]> {
  readonly #partitioner: Partitioner
  readonly #dependencies: readonly Dependency[]

  constructor(parents: readonly RDD<unknown>[], partitioner: Partitioner, operation: string) {
    const first = parents[0]
    if (first === undefined) throw new RangeError('cogroup needs at least one RDD')
    super(first.context, operation)
    this.#partitioner = partitioner
    this.#dependencies = parents.map((rdd) =>
      rdd.partitioner !== null && rdd.partitioner.equals(partitioner)
        ? { kind: 'narrow', rdd }
        : new ShuffleDependency(this.context.newShuffleId(), rdd, partitioner, null, false),
    )
  }

  getNumPartitions(): number {
    return this.#partitioner.numPartitions
  }

  get dependencies(): readonly Dependency[] {
    return this.#dependencies
  }

  override get partitioner(): Partitioner {
    return this.#partitioner
  }

  protected compute(partition: number): PlanNode {
    return {
      kind: 'cogroup',
      inputs: this.#dependencies.map((dependency): PlanNode =>
        dependency.kind === 'narrow'
          ? dependency.rdd.plan(partition)
          : { kind: 'shuffleRead', blocks: this.context.mapOutputs.blocksFor(dependency.shuffleId, partition), aggregate: null, ordering: null },
      ),
    }
  }
}
