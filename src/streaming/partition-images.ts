import { BlockRDD, type HashPartitioner, type RDD } from '../rdd/index.js'
import type { PartitionState } from '../recovery/index.js'
import type { SparkContext } from '../spark-context.js'

/**
 * Keyed state saved as an image of every partition of a persisted RDD (the
 * state of updateStateByKey, the window of reduceByKeyAndWindow), computed
 * now if no output read it; `rdd` undefined saves empty partitions.
 */
export async function partitionImages(rdd: RDD<unknown> | undefined, stream: string, partitioner: HashPartitioner, versionMs: number): Promise<PartitionState[]> {
  if (rdd !== undefined && !rdd.isMaterialized) await rdd.count()
  return Array.from({ length: partitioner.numPartitions }, (_, partition) => ({
    stream,
    partition,
    base: rdd === undefined ? null : (rdd.context.blockManager.get(rdd.id, partition) ?? null),
    baseVersion: versionMs,
    deltas: [],
  }))
}

/** The RDD of partition images that `partitionImages` saved, partitioned as before. */
export function rddOfImages<T>(context: SparkContext, parts: readonly PartitionState[], partitioner: HashPartitioner, operation: string): RDD<T> {
  const blocks = Array.from({ length: partitioner.numPartitions }, (_, partition) => parts.find((part) => part.partition === partition)?.base ?? null)
  return new BlockRDD<T>(context, blocks, partitioner, operation)
}
