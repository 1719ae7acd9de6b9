import { shipFunction } from '../../closure/ship.js'
import { formatRecord } from '../../common/format.js'
import type { RDD } from '../../rdd/index.js'
import { type DStream, ForEachDStream, TransformedDStream } from './internal.js'

/** A transformation that runs one RDD operation per batch; its function is checked for closures here, at definition. */
export function perBatch<T, U>(parent: DStream<T>, operation: string, fn: unknown, make: (rdd: RDD<T>) => RDD<U>): DStream<U> {
  shipFunction(fn, operation)
  return new TransformedDStream<U>([parent], operation, ([rdd]) => make(rdd as RDD<T>))
}

/** Spark's count: a zero is added to every batch, so an empty batch counts 0 rather than nothing. */
export function count<T>(parent: DStream<T>): DStream<number> {
  const sc = parent.context.sparkContext
  return new TransformedDStream([parent], 'count', ([rdd]) =>
    (rdd as RDD<T>).map(nullKeyAndOne).union(sc.parallelize([[null, 0] as [null, number]], 1)).reduceByKey(add, 1).values(),
  )
}

export function countByValue<T>(parent: DStream<T>, numPartitions?: number): DStream<[T, number]> {
  const partitions = numPartitions ?? parent.context.sparkContext.defaultParallelism
  return new TransformedDStream([parent], 'countByValue', ([rdd]) => (rdd as RDD<T>).map(withOne).reduceByKey(add, partitions))
}

export function reduce<T>(parent: DStream<T>, fn: (a: T, b: T) => T): DStream<T> {
  shipFunction(fn, 'reduce')
  return new TransformedDStream([parent], 'reduce', ([rdd]) => (rdd as RDD<T>).map(nullKey).reduceByKey(fn, 1).values())
}

/** Spark's DStream.print: the header for every batch, the first `num` records, `...` when there are more, then an empty line. */
export function print<T>(parent: DStream<T>, num: number): void {
  if (!Number.isInteger(num) || num < 0) throw new RangeError(`print needs a whole number of records to show, got ${num}`)
  new ForEachDStream(parent, 'print', async (rdd, time) => {
    const first = await rdd.take(num + 1)
    const lines = ['-------------------------------------------', `Time: ${time}`, '-------------------------------------------']
    for (const record of first.slice(0, num)) lines.push(formatRecord(record))
    if (first.length > num) lines.push('...')
    process.stdout.write(`${lines.join('\n')}\n\n`)
  }).register()
}

export function saveAsTextFiles<T>(parent: DStream<T>, prefix: string, suffix?: string): void {
  new ForEachDStream(parent, 'saveAsTextFiles', async (rdd, time) => {
    await rdd.saveAsTextFile(`${prefix}-${time.milliseconds}${suffix === undefined || suffix === '' ? '' : `.${suffix}`}`)
  }).register()
}

function add(a: number, b: number): number {
  return a + b
}

function nullKeyAndOne(): [null, number] {
  return [null, 1]
}

function nullKey<T>(value: T): [null, T] {
  return [null, value]
}

function withOne<T>(value: T): [T, number] {
  return [value, 1]
}
