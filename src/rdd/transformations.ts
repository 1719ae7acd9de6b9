import { capture, shipFunction } from '../closure/ship.js'
import { compareKeys } from '../common/keys.js'
import { wrapOnce } from './wrap-once.js'
import { CartesianRDD, CoalescedRDD, MapPartitionsRDD, type RDD, ShuffledRDD, ZippedWithIndexRDD } from './internal.js'
import { RangePartitioner, RoundRobinPartitioner } from './partitioner.js'

export { debugString } from './debug-string.js'

/** map, flatMap, filter and mapPartitions: the user's function shipped as is. */
export function narrow<T, U>(parent: RDD<T>, kind: 'map' | 'flatMap' | 'filter' | 'mapPartitions', fn: unknown, preservesPartitioning: boolean): RDD<U> {
  return new MapPartitionsRDD<U>(parent, kind, { kind, fn: shipFunction(fn, kind) }, preservesPartitioning)
}

export function mapPartitionsWithIndex<T, U>(parent: RDD<T>, fn: (index: number, values: IterableIterator<T>) => Iterable<U>, preservesPartitioning: boolean): RDD<U> {
  // Ship the user's function first, so a closure error names mapPartitionsWithIndex.
  shipFunction(fn, 'mapPartitionsWithIndex')
  const withIndex = wrapOnce(fn, 'mapPartitionsWithIndex', () => capture({ fn }, (values: IterableIterator<T>, index: number) => fn(index, values)))
  return narrow(parent, 'mapPartitions', withIndex, preservesPartitioning)
}

export function glom<T>(parent: RDD<T>): RDD<T[]> {
  return narrow(parent, 'mapPartitions', (values: Iterable<T>) => [Array.from(values)], false)
}

export function keyBy<T, K>(parent: RDD<T>, fn: (value: T) => K): RDD<[K, T]> {
  shipFunction(fn, 'keyBy')
  return narrow(parent, 'map', wrapOnce(fn, 'keyBy', () => capture({ fn }, (value: T) => [fn(value), value])), false)
}

/** Spark: `map(x => (x, null)).reduceByKey((x, _) => x, numPartitions).map(_._1)`, into as many partitions as the input by default. */
export function distinct<T>(parent: RDD<T>, numPartitions = parent.getNumPartitions()): RDD<T> {
  return parent.map(withNullValue).reduceByKey(keepFirst, numPartitions).keys()
}

/** Spark: cogroup both sides and keep the keys present on each. */
export function intersection<T>(left: RDD<T>, right: RDD<T>, numPartitions?: number): RDD<T> {
  return left
    .map(withNullValue)
    .cogroup(right.map(withNullValue), numPartitions)
    .filter((entry: [T, [unknown[], unknown[]]]) => entry[1][0].length > 0 && entry[1][1].length > 0)
    .keys()
}

export function subtract<T>(left: RDD<T>, right: RDD<T>, numPartitions?: number): RDD<T> {
  return left.map(withNullValue).subtractByKey(right.map(withNullValue), numPartitions).keys()
}

export function cartesian<T, U>(left: RDD<T>, right: RDD<U>): RDD<[T, U]> {
  return new CartesianRDD(left, right)
}

/** Bernoulli sampling, or Poisson sampling with replacement, from a seeded generator per partition: the same seed gives the same sample. */
export function sample<T>(parent: RDD<T>, withReplacement: boolean, fraction: number, seed = Math.floor(Math.random() * 2 ** 31)): RDD<T> {
  if (!(fraction >= 0) || (!withReplacement && fraction > 1)) {
    throw new RangeError(`fraction must be ${withReplacement ? 'at least 0' : 'between 0 and 1'} when sampling ${withReplacement ? 'with' : 'without'} replacement, got ${fraction}`)
  }
  const sampler = capture({ withReplacement, fraction, seed }, function* (index: number, values: Iterable<T>) {
    let state = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0
    // mulberry32: small, fast and the same on every thread.
    const random = (): number => {
      state = (state + 0x6d2b79f5) | 0
      let t = Math.imul(state ^ (state >>> 15), 1 | state)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
    const limit = Math.exp(-fraction)
    for (const value of values) {
      if (!withReplacement) {
        if (random() < fraction) yield value
        continue
      }
      let copies = -1
      for (let product = 1; product > limit; product *= random()) copies++
      for (let i = 0; i < copies; i++) yield value
    }
  })
  return mapPartitionsWithIndex(parent, sampler, true)
}

export function sortBy<T, K>(parent: RDD<T>, fn: (value: T) => K, ascending: boolean, numPartitions?: number): RDD<T> {
  return keyBy(parent, fn).sortByKey(ascending, numPartitions).values()
}

/** Spark's `coalesce(n, shuffle = true)`: records dealt out evenly over n partitions. */
export function repartition<T>(parent: RDD<T>, numPartitions: number): RDD<T> {
  requirePositive(numPartitions)
  return new ShuffledRDD<T>(parent, {
    operation: 'repartition',
    numPartitions,
    partitioner: new RoundRobinPartitioner(numPartitions),
    aggregator: null,
    mapSideCombine: false,
    ordering: null,
  })
}

export function coalesce<T>(parent: RDD<T>, numPartitions: number, shuffle: boolean): RDD<T> {
  requirePositive(numPartitions)
  return shuffle ? repartition(parent, numPartitions) : new CoalescedRDD(parent, numPartitions)
}

export function zipWithIndex<T>(parent: RDD<T>): RDD<[T, number]> {
  return new ZippedWithIndexRDD(parent)
}

/**
 * The bounds of Spark's RangePartitioner: sample up to ~20 keys per result
 * partition from every parent partition, weight each by how many records
 * it stands for, and cut the sorted sample into ranges of equal weight.
 */
export async function rangeBounds(parent: RDD<[unknown, unknown]>, numPartitions: number, ascending: boolean): Promise<RangePartitioner> {
  if (numPartitions <= 1) return new RangePartitioner(numPartitions, [], ascending)
  const sampleSize = Math.min(20 * numPartitions, 1_000_000)
  const perPartition = Math.ceil((3 * sampleSize) / Math.max(1, parent.getNumPartitions()))
  const reservoir = capture({ perPartition }, function* (index: number, records: Iterable<[unknown, unknown]>) {
    let state = (Math.imul(index + 1, 0x9e3779b1) ^ 0x5bd1e995) >>> 0
    const sample: unknown[] = []
    let seen = 0
    for (const record of records) {
      seen++
      if (sample.length < perPartition) {
        sample.push(record[0])
        continue
      }
      state ^= state << 13
      state ^= state >>> 17
      state ^= state << 5
      const slot = (state >>> 0) % seen
      if (slot < perPartition) sample[slot] = record[0]
    }
    yield [seen, sample]
  })
  const sketches = await mapPartitionsWithIndex(parent, reservoir, false).collect() as unknown as [number, unknown[]][]
  const weighted: [unknown, number][] = []
  for (const [seen, keys] of sketches) {
    for (const key of keys) weighted.push([key, seen / keys.length])
  }
  return new RangePartitioner(numPartitions, determineBounds(weighted, numPartitions), ascending)
}

function determineBounds(candidates: [unknown, number][], partitions: number): unknown[] {
  const ordered = candidates.sort((a, b) => compareKeys(a[0], b[0]))
  const step = ordered.reduce((sum, [, weight]) => sum + weight, 0) / partitions
  const bounds: unknown[] = []
  let cumulative = 0
  let target = step
  let previous: unknown = undefined
  for (const [key, weight] of ordered) {
    cumulative += weight
    if (cumulative < target || bounds.length >= partitions - 1) continue
    if (bounds.length === 0 || compareKeys(key, previous) > 0) {
      bounds.push(key)
      target += step
      previous = key
    }
  }
  return bounds
}

/** Spark's coalesce and repartition: `Number of partitions (0) must be positive`. */
function requirePositive(numPartitions: number): void {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) throw new RangeError(`numPartitions must be a positive integer, got ${numPartitions}`)
}

function withNullValue<T>(value: T): [T, null] {
  return [value, null]
}

function keepFirst<T>(first: T): T {
  return first
}
