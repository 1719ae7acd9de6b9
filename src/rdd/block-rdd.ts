import type { SparkContext } from '../spark-context.js'
import type { Dependency } from './dependency.js'
import { RDD } from './internal.js'
import type { Partitioner } from './partitioner.js'
import type { PlanNode } from './plan.js'

/**
 * An RDD over blocks that already exist as encoded bytes: the blocks a
 * receiver stored, or the cached partitions of an earlier RDD. It has no
 * lineage, so a stream that builds each batch's state from the previous
 * batch's blocks keeps no chain of RDDs reaching back to its first batch.
 */
export class BlockRDD<T> extends RDD<T> {
  readonly #blocks: readonly (Uint8Array | null)[]
  readonly #partitioner: Partitioner | null
  readonly #format: 'records' | 'lines'

  /** `format` says what the blocks hold: msgpack-encoded records, or UTF-8 text of whole lines (a text receiver's). */
  constructor(context: SparkContext, blocks: readonly (Uint8Array | null)[], partitioner: Partitioner | null = null, operation = 'blocks', format: 'records' | 'lines' = 'records') {
    super(context, operation)
    this.#blocks = blocks
    this.#partitioner = partitioner
    this.#format = format
  }

  /** `rdd` itself, or — when every partition of it is cached — a BlockRDD over those blocks that forgets its lineage. */
  static ofCached<T>(rdd: RDD<T>): RDD<T> {
    if (rdd.storageLevel === 'NONE' || !rdd.isMaterialized || rdd.isCheckpointed()) return rdd
    const blocks = Array.from({ length: rdd.getNumPartitions() }, (_, partition) => rdd.context.blockManager.get(rdd.id, partition) ?? null)
    return new BlockRDD<T>(rdd.context, blocks, rdd.partitioner, `cached ${rdd.id}`)
  }

  getNumPartitions(): number {
    return this.#blocks.length
  }

  get dependencies(): readonly Dependency[] {
    return []
  }

  override get partitioner(): Partitioner | null {
    return this.#partitioner
  }

  protected compute(partition: number): PlanNode {
    const bytes = this.#blocks[partition] ?? null
    return this.#format === 'lines' ? { kind: 'textLines', bytes } : { kind: 'data', bytes }
  }
}
