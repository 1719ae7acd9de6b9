import { capture, shipFunction } from '../closure/ship.js'
import { wrapOnce } from './wrap-once.js'
import { CoGroupedRDD, MapPartitionsRDD, type RDD, ShuffledRDD } from './internal.js'
import { HashPartitioner, type Partitioner } from './partitioner.js'
import type { Aggregator } from './plan.js'
import { rangeBounds } from './transformations.js'

type Pair<K, V> = [K, V]

export interface CombineFunctions<V, C> {
  readonly createCombiner: (value: V) => C
  readonly mergeValue: (combiner: C, value: V) => C
  readonly mergeCombiners: (a: C, b: C) => C
}

export function mapValues<K, V, U>(parent: RDD<Pair<K, V>>, fn: (value: V) => U): RDD<[K, U]> {
  shipFunction(fn, 'mapValues')
  const step = wrapOnce(fn, 'mapValues', () => capture({ fn }, (record: Pair<K, V>) => [record[0], fn(record[1])]))
  return new MapPartitionsRDD(parent, 'mapValues', { kind: 'map', fn: shipFunction(step, 'mapValues') }, true)
}

export function flatMapValues<K, V, U>(parent: RDD<Pair<K, V>>, fn: (value: V) => Iterable<U>): RDD<[K, U]> {
  shipFunction(fn, 'flatMapValues')
  const step = wrapOnce(fn, 'flatMapValues', () =>
    capture({ fn }, (record: Pair<K, V>) => {
      const out: [K, U][] = []
      for (const value of fn(record[1])) out.push([record[0], value])
      return out
    }),
  )
  return new MapPartitionsRDD(parent, 'flatMapValues', { kind: 'flatMap', fn: shipFunction(step, 'flatMapValues') }, true)
}

export function keys<K, V>(parent: RDD<Pair<K, V>>): RDD<K> {
  return parent.map(firstOfPair)
}

export function values<K, V>(parent: RDD<Pair<K, V>>): RDD<V> {
  return parent.map(secondOfPair)
}

/**
 * Spark's combineByKeyWithClassTag: when the parent is already partitioned
 * like the result, keys are combined in place; otherwise they are combined
 * on the map side (when asked) and shuffled.
 */
export function combineByKey<K, V, C>(
  parent: RDD<Pair<K, V>>,
  operation: string,
  functions: CombineFunctions<V, C>,
  numPartitions: number | undefined,
  mapSideCombine: boolean,
): RDD<[K, C]> {
  const aggregator: Aggregator = {
    createCombiner: shipFunction(functions.createCombiner, operation),
    mergeValue: shipFunction(functions.mergeValue, operation),
    mergeCombiners: shipFunction(functions.mergeCombiners, operation),
  }
  const partitioner = numPartitions === undefined ? defaultPartitioner(parent) : new HashPartitioner(numPartitions)
  if (parent.partitioner !== null && parent.partitioner.equals(partitioner)) {
    return new MapPartitionsRDD(parent, operation, { kind: 'combineByKey', aggregate: { aggregator, mapSideCombined: false } }, true)
  }
  return new ShuffledRDD(parent, { operation, numPartitions: partitioner.numPartitions, partitioner, aggregator, mapSideCombine, ordering: null })
}

export function reduceByKey<K, V>(parent: RDD<Pair<K, V>>, fn: (a: V, b: V) => V, numPartitions?: number): RDD<[K, V]> {
  return combineByKey(parent, 'reduceByKey', { createCombiner: identity, mergeValue: fn, mergeCombiners: fn }, numPartitions, true)
}

/** Values arrive raw (no map-side combine, as in Spark: it would not shrink the data) and are gathered into arrays in arrival order. */
export function groupByKey<K, V>(parent: RDD<Pair<K, V>>, numPartitions?: number): RDD<[K, V[]]> {
  return combineByKey(parent, 'groupByKey', { createCombiner: singleton, mergeValue: appendValue, mergeCombiners: concatenate }, numPartitions, false)
}

/** Each key starts from its own copy of `zero`, so a seqOp that mutates its accumulator is safe. */
export function aggregateByKey<K, V, U>(parent: RDD<Pair<K, V>>, operation: string, zero: U, seqOp: (acc: U, value: V) => U, combOp: (a: U, b: U) => U, numPartitions?: number): RDD<[K, U]> {
  shipFunction(seqOp, operation)
  const createCombiner = capture({ zero, seqOp }, (value: V) => seqOp(typeof zero === 'object' && zero !== null ? structuredClone(zero) : zero, value))
  return combineByKey(parent, operation, { createCombiner, mergeValue: seqOp, mergeCombiners: combOp }, numPartitions, true)
}

export function sortByKey<K, V>(parent: RDD<Pair<K, V>>, ascending: boolean, numPartitions = parent.getNumPartitions()): RDD<[K, V]> {
  return new ShuffledRDD(parent, {
    operation: 'sortByKey',
    numPartitions,
    partitioner: () => rangeBounds(parent as RDD<[unknown, unknown]>, numPartitions, ascending),
    aggregator: null,
    mapSideCombine: false,
    ordering: { ascending },
  })
}

export function partitionBy<K, V>(parent: RDD<Pair<K, V>>, target: number | Partitioner): RDD<[K, V]> {
  const partitioner = typeof target === 'number' ? new HashPartitioner(target) : target
  if (parent.partitioner !== null && parent.partitioner.equals(partitioner)) return parent
  return new ShuffledRDD(parent, { operation: 'partitionBy', numPartitions: partitioner.numPartitions, partitioner, aggregator: null, mapSideCombine: false, ordering: null })
}

export function cogroup<K>(parents: readonly RDD<Pair<K, unknown>>[], numPartitions?: number): RDD<[K, unknown[][]]> {
  const partitioner = numPartitions === undefined ? defaultPartitioner(...parents) : new HashPartitioner(numPartitions)
  return new CoGroupedRDD<K>(parents as readonly RDD<unknown>[], partitioner, 'cogroup')
}

/** Spark builds every join on cogroup: the cross product of both sides' values per key, with `null` for a missing side of an outer join. */
export function join<K, V, W>(left: RDD<Pair<K, V>>, right: RDD<Pair<K, W>>, how: 'inner' | 'left' | 'right' | 'full', numPartitions?: number): RDD<[K, [V | null, W | null]]> {
  const pairUp = capture({ how }, (entry: [K, unknown[][]]) => {
    const [key, groups] = entry
    const lefts = groups[0] as unknown[]
    const rights = groups[1] as unknown[]
    const out: [K, [unknown, unknown]][] = []
    if (lefts.length === 0 && (how === 'right' || how === 'full')) for (const r of rights) out.push([key, [null, r]])
    if (rights.length === 0 && (how === 'left' || how === 'full')) for (const l of lefts) out.push([key, [l, null]])
    for (const l of lefts) for (const r of rights) out.push([key, [l, r]])
    return out
  })
  // Spark's flatMapValues: keys are unchanged, so the cogroup's partitioner still holds.
  return keyPreservingFlatMap(cogroup([left, right] as RDD<Pair<K, unknown>>[], numPartitions), 'join', pairUp) as RDD<[K, [V | null, W | null]]>
}

export function subtractByKey<K, V, W>(left: RDD<Pair<K, V>>, right: RDD<Pair<K, W>>, numPartitions?: number): RDD<[K, V]> {
  const partitioner = numPartitions === undefined ? new HashPartitioner(left.getNumPartitions()) : new HashPartitioner(numPartitions)
  return keyPreservingFlatMap(new CoGroupedRDD<K>([left, right] as RDD<unknown>[], partitioner, 'subtractByKey'), 'subtractByKey', unmatchedLeftValues) as RDD<[K, V]>
}

/** A flatMap whose output records keep their input's key, so the result keeps the input's partitioner. */
function keyPreservingFlatMap<T, U>(parent: RDD<T>, operation: string, fn: (record: T) => Iterable<U>): RDD<U> {
  return new MapPartitionsRDD<U>(parent, operation, { kind: 'flatMap', fn: shipFunction(fn, operation) }, true)
}

function unmatchedLeftValues<K>(entry: [K, unknown[][]]): [K, unknown][] {
  return (entry[1][1] as unknown[]).length === 0 ? (entry[1][0] as unknown[]).map((value) => [entry[0], value]) : []
}

/**
 * Spark's Partitioner.defaultPartitioner: reuse the partitioner of the input
 * with the most partitions when it is not much smaller than the largest
 * input; otherwise hash into spark.default.parallelism partitions, or as
 * many as the largest input has.
 */
export function defaultPartitioner(...rdds: readonly RDD<unknown>[]): Partitioner {
  const counts = rdds.map((rdd) => rdd.getNumPartitions())
  const largest = Math.max(...counts)
  const withPartitioner = rdds.filter((rdd) => rdd.partitioner !== null)
  const best = withPartitioner.reduce<RDD<unknown> | null>((top, rdd) => (top === null || rdd.getNumPartitions() > top.getNumPartitions() ? rdd : top), null)
  const context = (rdds[0] as RDD<unknown>).context
  const defaultCount = context.getConf().contains('spark.default.parallelism') ? context.defaultParallelism : largest
  if (best !== null && best.partitioner !== null) {
    const eligible = Math.log10(largest) - Math.log10(best.getNumPartitions()) < 1
    if (eligible || defaultCount <= best.getNumPartitions()) return best.partitioner
  }
  return new HashPartitioner(defaultCount)
}

function identity<V>(value: V): V {
  return value
}

function singleton<V>(value: V): V[] {
  return [value]
}

function appendValue<V>(values: V[], value: V): V[] {
  values.push(value)
  return values
}

function concatenate<V>(a: V[], b: V[]): V[] {
  return a.concat(b)
}

function firstOfPair<K>(record: [K, unknown]): K {
  return record[0]
}

function secondOfPair<V>(record: [unknown, V]): V {
  return record[1]
}
