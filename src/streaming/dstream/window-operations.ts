import { shipFunction } from '../../closure/ship.js'
import { type Duration, type DurationLike, toDuration } from '../../common/time.js'
import { type DStream, ReducedWindowedDStream, WindowedDStream } from './internal.js'

type Pair<K, V> = [K, V]

export function window<T>(parent: DStream<T>, windowDuration: DurationLike, slideDuration?: DurationLike): DStream<T> {
  const slide = slideDuration === undefined ? parent.slideDuration : toDuration(slideDuration, 'slideDuration')
  return new WindowedDStream(parent, toDuration(windowDuration, 'windowDuration'), slide)
}

/** Spark: counts reduced incrementally, so it needs a checkpoint directory like every inverse-reduce window. */
export function countByWindow<T>(parent: DStream<T>, windowDuration: DurationLike, slideDuration: DurationLike): DStream<number> {
  return reduceByWindow(parent.map(one), add, [subtract, windowDuration, slideDuration])
}

/** `reduceByWindow(fn, w, s)` reduces each window afresh; `reduceByWindow(fn, invFn, w, s)` updates the previous window's value. */
export function reduceByWindow<T>(parent: DStream<T>, fn: (a: T, b: T) => T, rest: readonly unknown[]): DStream<T> {
  shipFunction(fn, 'reduceByWindow')
  if (typeof rest[0] === 'function') {
    const [invFn, windowDuration, slideDuration] = rest as [(a: T, b: T) => T, DurationLike, DurationLike]
    const keyed = parent.map(keyedByOne) as DStream<Pair<number, T>>
    return reduceByKeyAndWindow(keyed, fn, [invFn, windowDuration, slideDuration, 1]).map(valueOf)
  }
  const [windowDuration, slideDuration] = rest as [DurationLike, DurationLike]
  return parent.reduce(fn).window(windowDuration, slideDuration).reduce(fn)
}

export function countByValueAndWindow<T>(parent: DStream<T>, windowDuration: DurationLike, slideDuration: DurationLike, numPartitions?: number): DStream<[T, number]> {
  const counted = parent.map(withOne) as DStream<Pair<T, number>>
  return reduceByKeyAndWindow(counted, add, [subtract, windowDuration, slideDuration, numPartitions, nonZeroCount])
}

export function groupByKeyAndWindow<K, V>(parent: DStream<Pair<K, V>>, windowDuration: DurationLike, slideDuration?: DurationLike, numPartitions?: number): DStream<[K, V[]]> {
  return parent.window(windowDuration, slideDuration).groupByKey(numPartitions)
}

/**
 * Without `invFn`: each window's per-batch reductions are reduced again.
 * With it: Spark's ReducedWindowedDStream, which adds the batches entering
 * the window to the previous window's value and removes those leaving it.
 */
export function reduceByKeyAndWindow<K, V>(parent: DStream<Pair<K, V>>, fn: (a: V, b: V) => V, rest: readonly unknown[]): DStream<[K, V]> {
  shipFunction(fn, 'reduceByKeyAndWindow')
  const numPartitionsOf = (value: unknown): number => (value === undefined ? parent.context.sparkContext.defaultParallelism : (value as number))
  if (typeof rest[0] === 'function') {
    const [invFn, windowDuration, slideDuration, numPartitions, filterFn] = rest as [(a: V, b: V) => V, DurationLike, DurationLike | undefined, number | undefined, ((record: Pair<K, V>) => boolean) | undefined]
    shipFunction(invFn, 'reduceByKeyAndWindow')
    if (filterFn !== undefined) shipFunction(filterFn, 'reduceByKeyAndWindow')
    const durations = windowDurations(parent, windowDuration, slideDuration)
    return new ReducedWindowedDStream(parent, fn, invFn, filterFn ?? null, durations.window, durations.slide, numPartitionsOf(numPartitions))
  }
  const [windowDuration, slideDuration, numPartitions] = rest as [DurationLike, DurationLike | undefined, number | undefined]
  const partitions = numPartitionsOf(numPartitions)
  return parent.reduceByKey(fn, partitions).window(windowDuration, slideDuration).reduceByKey(fn, partitions)
}

function windowDurations(parent: DStream<unknown>, windowDuration: DurationLike, slideDuration: DurationLike | undefined): { window: Duration; slide: Duration } {
  return {
    window: toDuration(windowDuration, 'windowDuration'),
    slide: slideDuration === undefined ? parent.slideDuration : toDuration(slideDuration, 'slideDuration'),
  }
}

function one(): number {
  return 1
}

function add(a: number, b: number): number {
  return a + b
}

function subtract(a: number, b: number): number {
  return a - b
}

function keyedByOne<T>(value: T): [number, T] {
  return [1, value]
}

function valueOf<T>(record: [unknown, T]): T {
  return record[1]
}

function withOne<T>(value: T): [T, number] {
  return [value, 1]
}

function nonZeroCount(record: [unknown, number]): boolean {
  return record[1] !== 0
}
