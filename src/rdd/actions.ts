import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { shipFunction } from '../closure/ship.js'
import { UnsupportedOperationError } from '../common/errors.js'
import { KeyMap, compareKeys } from '../common/keys.js'
import { encodeShared } from '../serde/index.js'
import { MapPartitionsRDD, type RDD } from './internal.js'

type Pair<K, V> = [K, V]

/** Spark's spark.rdd.limit.scaleUpFactor: how much wider each round of `take` scans when the last found too little. */
const TAKE_SCALE_UP = 4

function fail(rdd: RDD<unknown>, operation: string): never {
  throw new UnsupportedOperationError(`${operation} of an empty collection: ${rdd} has no elements; check emptiness first with isEmpty() or use fold with a zero value`)
}

export async function collect<T>(rdd: RDD<T>): Promise<T[]> {
  const parts = await rdd.context.runJob<T[]>(rdd, { kind: 'collect' })
  return parts.flat() as T[]
}

export async function count(rdd: RDD<unknown>): Promise<number> {
  const parts = await rdd.context.runJob<number>(rdd, { kind: 'count' })
  return parts.reduce((sum, part) => sum + part, 0)
}

/**
 * Spark's `take`: scan one partition, then more and more (estimated from
 * how many records the scanned ones held, at most 4x as many each round)
 * until n records are found or no partition is left.
 */
export async function take<T>(rdd: RDD<T>, n: number): Promise<T[]> {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`take needs a whole number of elements, got ${n}`)
  const total = rdd.getNumPartitions()
  const found: T[] = []
  let scanned = 0
  while (found.length < n && scanned < total) {
    let toTry = 1
    if (scanned > 0) {
      toTry = found.length === 0 ? scanned * TAKE_SCALE_UP : Math.min(Math.max(Math.ceil((1.5 * n * scanned) / found.length) - scanned, 1), scanned * TAKE_SCALE_UP)
    }
    const partitions = Array.from({ length: Math.min(toTry, total - scanned) }, (_, i) => scanned + i)
    const parts = await rdd.context.runJob<T[]>(rdd, { kind: 'take', n: n - found.length }, partitions)
    for (const part of parts) found.push(...part.slice(0, n - found.length))
    scanned += partitions.length
  }
  return found
}

export async function first<T>(rdd: RDD<T>): Promise<T> {
  const found = await take(rdd, 1)
  if (found.length === 0) fail(rdd, 'first')
  return found[0] as T
}

export async function isEmpty(rdd: RDD<unknown>): Promise<boolean> {
  return rdd.getNumPartitions() === 0 || (await take(rdd, 1)).length === 0
}

/** takeOrdered and top: the n smallest (or largest) of each partition, merged on the driver with the same order. */
export async function takeOrdered<T>(rdd: RDD<T>, n: number, descending: boolean, compare?: (a: T, b: T) => number): Promise<T[]> {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${descending ? 'top' : 'takeOrdered'} needs a whole number of elements, got ${n}`)
  const shipped = compare === undefined ? null : shipFunction(compare, descending ? 'top' : 'takeOrdered')
  const parts = await rdd.context.runJob<T[]>(rdd, { kind: 'takeOrdered', n, descending, compare: shipped })
  const base = (compare ?? compareKeys) as (a: T, b: T) => number
  return parts.flat().sort(descending ? (a, b) => base(b as T, a as T) : (a, b) => base(a as T, b as T)).slice(0, n) as T[]
}

export async function reduce<T>(rdd: RDD<T>, fn: (a: T, b: T) => T): Promise<T> {
  const shipped = shipFunction(fn, 'reduce')
  const parts = (await rdd.context.runJob<T[]>(rdd, { kind: 'fold', fn: shipped, zero: null })).flat() as T[]
  if (parts.length === 0) fail(rdd, 'reduce')
  return parts.reduce((a, b) => fn(a, b))
}

/** fold and aggregate: each partition starts from its own copy of `zero`; the driver combines the partition results starting from `zero` again, as Spark does. */
export async function aggregate<T, U>(rdd: RDD<T>, operation: string, zero: U, seqOp: (acc: U, value: T) => U, combOp: (a: U, b: U) => U): Promise<U> {
  const shipped = shipFunction(seqOp, operation)
  shipFunction(combOp, operation)
  const parts = (await rdd.context.runJob<U[]>(rdd, { kind: 'fold', fn: shipped, zero: encodeShared(zero, `${operation} zero value`) })).flat() as U[]
  return parts.reduce((acc, part) => combOp(acc, part), typeof zero === 'object' && zero !== null ? structuredClone(zero) : zero)
}

export function sum(rdd: RDD<number>): Promise<number> {
  return aggregate(rdd, 'sum', 0, add, add)
}

/** Spark's StatCounter mean: NaN for an empty RDD. */
export async function mean(rdd: RDD<number>): Promise<number> {
  const [total, n] = await aggregate(rdd, 'mean', [0, 0], addToSumAndCount, mergeSumAndCount)
  return n === 0 ? Number.NaN : total / n
}

export async function extreme<T>(rdd: RDD<T>, which: 'max' | 'min', compare?: (a: T, b: T) => number): Promise<T> {
  const found = await takeOrdered(rdd, 1, which === 'max', compare)
  if (found.length === 0) fail(rdd, which)
  return found[0] as T
}

export async function collectAsMap<K, V>(rdd: RDD<Pair<K, V>>): Promise<KeyMap<K, V>> {
  return new KeyMap<K, V>(await collect(rdd))
}

export function countByKey<K, V>(rdd: RDD<Pair<K, V>>): Promise<KeyMap<K, number>> {
  return collectAsMap(rdd.mapValues(one).reduceByKey(add))
}

export function countByValue<T>(rdd: RDD<T>): Promise<KeyMap<T, number>> {
  return collectAsMap(rdd.map(withOne).reduceByKey(add))
}

/** Reads only the partition that can hold `key` when the RDD has a known partitioner, as Spark does. */
export async function lookup<K, V>(rdd: RDD<Pair<K, V>>, key: K): Promise<V[]> {
  const partitions = rdd.partitioner === null ? undefined : [rdd.partitioner.getPartition(key)]
  const matching = new MapPartitionsRDD<Pair<K, V>>(rdd, 'lookup', { kind: 'keyFilter', key: encodeShared(key, 'lookup key') }, true)
  const parts = await rdd.context.runJob<Pair<K, V>[]>(matching, { kind: 'collect' }, partitions)
  return parts.flat().map((record) => (record as Pair<K, V>)[1])
}

export async function foreach<T>(rdd: RDD<T>, fn: (value: T) => void): Promise<void> {
  await rdd.context.runJob(rdd, { kind: 'foreach', fn: shipFunction(fn, 'foreach') })
}

export async function foreachPartition<T>(rdd: RDD<T>, fn: (values: IterableIterator<T>) => void): Promise<void> {
  await rdd.context.runJob(rdd, { kind: 'foreachPartition', fn: shipFunction(fn, 'foreachPartition') })
}

/** One `part-NNNNN` per partition and an empty `_SUCCESS`; like Spark, refuses a directory that already exists. */
export async function saveAsTextFile(rdd: RDD<unknown>, directory: string): Promise<void> {
  if (existsSync(directory)) throw new Error(`Output directory ${directory} already exists; remove it or choose another`)
  mkdirSync(directory, { recursive: true })
  await rdd.context.runJob(rdd, { kind: 'saveAsTextFile', directory })
  writeFileSync(join(directory, '_SUCCESS'), '')
}

function add(a: number, b: number): number {
  return a + b
}

function one(): number {
  return 1
}

function withOne<T>(value: T): [T, number] {
  return [value, 1]
}

function addToSumAndCount(acc: [number, number], value: number): [number, number] {
  acc[0] += value
  acc[1] += 1
  return acc
}

function mergeSumAndCount(a: [number, number], b: [number, number]): [number, number] {
  return [a[0] + b[0], a[1] + b[1]]
}
