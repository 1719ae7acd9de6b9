import type { RDD } from '../../rdd/index.js'
import type { DStream } from './internal.js'
import { StateDStream, TransformedDStream } from './internal.js'

type Pair<K, V> = [K, V]

/** Stream–stream joins and cogroup: the two streams' batches at the same time, joined as RDDs. */
export function joinStreams<K, V, W, R>(
  left: DStream<Pair<K, V>>,
  right: DStream<Pair<K, W>>,
  operation: string,
  join: (a: RDD<Pair<K, V>>, b: RDD<Pair<K, W>>, numPartitions: number) => RDD<R>,
  numPartitions?: number,
): DStream<R> {
  const partitions = numPartitions ?? left.context.sparkContext.defaultParallelism
  return new TransformedDStream([left, right], operation, ([a, b]) => join(a as RDD<Pair<K, V>>, b as RDD<Pair<K, W>>, partitions))
}

export function updateStateByKey<K, V, S>(
  parent: DStream<Pair<K, V>>,
  updateFn: ((newValues: V[], state: S | null) => S | null | undefined) | ((time: never, key: K, newValues: V[], state: S | null) => S | null | undefined),
  options: { numPartitions?: number; initialRDD?: RDD<[K, S]> },
): DStream<[K, S]> {
  const numPartitions = options.numPartitions ?? parent.context.sparkContext.defaultParallelism
  return new StateDStream<K, V, S>(parent, updateFn as never, numPartitions, options.initialRDD ?? null)
}
