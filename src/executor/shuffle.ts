import { KeyMap, compareKeys, hashKey, nonNegativeMod } from '../common/keys.js'
import type { Aggregator, PartitionerSpec, PlanNode, ReduceSide } from '../rdd/plan.js'
import { copyToShared, decode, encode } from '../serde/index.js'
import { type Sink, type TaskContext, compile, describe, evaluate } from './evaluate.js'

type Merge = (a: unknown, b: unknown) => unknown
type Pair = [unknown, unknown]

/** The map side of a shuffle: one block of encoded records per reduce partition (null when empty). */
export function writeShuffle(plan: PlanNode, partitioner: PartitionerSpec, combine: Aggregator | null, operation: string, context: TaskContext): (Uint8Array | null)[] {
  // No reduce partition reads this shuffle, so its input is not computed (Spark runs no task at all).
  if (partitioner.numPartitions === 0) return []
  const buckets: unknown[][] = Array.from({ length: partitioner.numPartitions }, () => [])
  if (partitioner.kind === 'roundRobin') {
    // Spark's repartition: records dealt out in turn from a start that depends on the map partition.
    let position = nonNegativeMod(hashKey(context.partition), partitioner.numPartitions)
    evaluate(plan, (value) => {
      ;(buckets[position] as unknown[]).push(value)
      position = position + 1 === partitioner.numPartitions ? 0 : position + 1
    }, context)
  } else {
    const partitionOf = keyPartitioner(partitioner)
    if (combine === null) {
      evaluate(plan, (record) => {
        ;(buckets[partitionOf(pairKey(record, operation))] as unknown[]).push(record)
      }, context)
    } else {
      // Combine first, then place each key once: one hash per distinct key, not per record.
      for (const entry of combineValues(plan, combine, operation, context)) (buckets[partitionOf(entry[0])] as unknown[]).push(entry)
    }
  }
  return buckets.map((bucket, index) => (bucket.length === 0 ? null : copyToShared(encode(bucket, `shuffle block ${index}`))))
}

function combineValues(plan: PlanNode, combine: Aggregator, operation: string, context: TaskContext): KeyMap<unknown, unknown> {
  const create = compile<(value: unknown) => unknown>(combine.createCombiner, context)
  const merge = compile<Merge>(combine.mergeValue, context)
  const combined = new KeyMap<unknown, unknown>()
  evaluate(plan, (record) => mergeInto(combined, pairKey(record, operation), (record as Pair)[1], create, merge), context)
  return combined
}

function mergeInto(map: KeyMap<unknown, unknown>, key: unknown, value: unknown, create: (value: unknown) => unknown, merge: Merge): void {
  const previous = map.get(key)
  if (previous === undefined && !map.has(key)) map.set(key, create(value))
  else map.set(key, merge(previous, value))
}

/** The key of a record that must be a `[key, value]` pair; anything else is a clear error rather than a wrong answer. */
function pairKey(record: unknown, operation: string): unknown {
  if (Array.isArray(record) && record.length === 2) return record[0]
  throw new TypeError(`${operation} works on [key, value] pairs, but got ${describe(record)}; map the records to pairs first, e.g. .map((x) => [x, 1])`)
}

export function keyPartitioner(spec: PartitionerSpec): (key: unknown) => number {
  switch (spec.kind) {
    case 'hash':
      return (key) => nonNegativeMod(hashKey(key), spec.numPartitions)
    case 'range':
      return rangePartition(decode<unknown[]>(spec.bounds), spec.ascending)
    case 'roundRobin':
      throw new TypeError('a round-robin partitioner places records, not keys')
  }
}

/** Spark's RangePartitioner.getPartition: the first bound not below the key, mirrored for a descending sort. */
function rangePartition(bounds: readonly unknown[], ascending: boolean): (key: unknown) => number {
  return (key) => {
    let low = 0
    let high = bounds.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if (compareKeys(bounds[middle], key) < 0) low = middle + 1
      else high = middle
    }
    return ascending ? low : bounds.length - low
  }
}

/** The reduce side: the blocks of one reduce partition, merged by key and sorted when asked. */
export function readShuffle(
  node: { readonly blocks: readonly (Uint8Array | null)[]; readonly aggregate: ReduceSide | null; readonly ordering: { readonly ascending: boolean } | null },
  sink: Sink,
  context: TaskContext,
): void {
  if (node.aggregate === null && node.ordering === null) {
    forEachRecord(node.blocks, sink, context)
    return
  }
  const forEach = (recordSink: Sink): void => forEachRecord(node.blocks, recordSink, context)
  const records = node.aggregate === null ? collectRecords(forEach) : aggregateRecords(forEach, node.aggregate, context)
  if (node.ordering !== null) {
    const direction = node.ordering.ascending ? 1 : -1
    records.sort((a, b) => direction * compareKeys(a[0], b[0]))
  }
  for (let i = 0; i < records.length; i++) sink(records[i])
}

function forEachRecord(blocks: readonly (Uint8Array | null)[], sink: Sink, context: TaskContext): void {
  for (const block of blocks) {
    if (block === null) continue
    const records = decode<unknown[]>(block)
    context.recordsRead += records.length
    for (let i = 0; i < records.length; i++) sink(records[i])
  }
}

function collectRecords(forEach: (sink: Sink) => void): Pair[] {
  const records: Pair[] = []
  forEach((record) => records.push(record as Pair))
  return records
}

/** Merges records by key: raw values with createCombiner/mergeValue, map-side combined values with mergeCombiners. */
export function aggregateRecords(forEach: (sink: Sink) => void, reduceSide: ReduceSide, context: TaskContext): Pair[] {
  const { aggregator } = reduceSide
  const operation = aggregator.createCombiner.operation
  const combined = new KeyMap<unknown, unknown>()
  const create = reduceSide.mapSideCombined ? identity : compile<(value: unknown) => unknown>(aggregator.createCombiner, context)
  const merge = compile<Merge>(reduceSide.mapSideCombined ? aggregator.mergeCombiners : aggregator.mergeValue, context)
  forEach((record) => mergeInto(combined, pairKey(record, operation), (record as Pair)[1], create, merge))
  return [...combined]
}

function identity(value: unknown): unknown {
  return value
}

/** Groups the values of each key across several inputs: `[key, [valuesOfInput0, valuesOfInput1, ...]]`. */
export function cogroup(inputs: readonly PlanNode[], sink: Sink, context: TaskContext): void {
  const groups = new KeyMap<unknown, unknown[][]>()
  inputs.forEach((input, index) => {
    evaluate(input, (record) => {
      const key = pairKey(record, 'cogroup')
      let entry = groups.get(key)
      if (entry === undefined) {
        entry = Array.from({ length: inputs.length }, () => [])
        groups.set(key, entry)
      }
      ;(entry[index] as unknown[]).push((record as Pair)[1])
    }, context)
  })
  for (const entry of groups) sink(entry)
}
