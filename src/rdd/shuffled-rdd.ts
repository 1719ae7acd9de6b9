import { ShuffleDependency, type Dependency } from './dependency.js'
import { RDD } from './internal.js'
import { RoundRobinPartitioner, type Partitioner } from './partitioner.js'
import type { Aggregator, KeyOrdering, PlanNode } from './plan.js'

export interface ShuffleOptions {
  readonly operation: string
  readonly numPartitions: number
  /** Known now (hash, round robin) or computed by a job before the shuffle runs (range, for sorting). */
  readonly partitioner: Partitioner | (() => Promise<Partitioner>)
  readonly aggregator: Aggregator | null
  readonly mapSideCombine: boolean
  readonly ordering: KeyOrdering | null
}

/**
 * The RDD on the reduce side of a shuffle: partition i holds the records
 * every map task wrote for i, merged by key with the aggregator when there
 * is one (reduceByKey, combineByKey, groupByKey) and sorted when asked
 * (sortByKey).
 */
export class ShuffledRDD<T> extends RDD<T> {
  readonly #dependency: ShuffleDependency
  readonly #options: ShuffleOptions

  constructor(parent: RDD<unknown>, options: ShuffleOptions) {
    super(parent.context, options.operation)
    this.#options = options
    const known = typeof options.partitioner === 'function' ? null : options.partitioner
    const resolve = typeof options.partitioner === 'function' ? options.partitioner : null
    this.#dependency = new ShuffleDependency(this.context.newShuffleId(), parent, known, options.aggregator, options.mapSideCombine, resolve)
  }

  getNumPartitions(): number {
    return this.#options.numPartitions
  }

  get dependencies(): readonly Dependency[] {
    return [this.#dependency]
  }

  override get partitioner(): Partitioner | null {
    if (typeof this.#options.partitioner === 'function') return null
    return this.#options.partitioner instanceof RoundRobinPartitioner ? null : this.#options.partitioner
  }

  protected override prepareOnce(): Promise<void> {
    return this.#dependency.prepare()
  }

  protected compute(partition: number): PlanNode {
    const { aggregator, mapSideCombine, ordering } = this.#options
    return {
      kind: 'shuffleRead',
      blocks: this.context.mapOutputs.blocksFor(this.#dependency.shuffleId, partition),
      aggregate: aggregator === null ? null : { aggregator, mapSideCombined: mapSideCombine },
      ordering,
    }
  }
}
