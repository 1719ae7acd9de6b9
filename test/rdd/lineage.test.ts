import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { capture, HashPartitioner, IllegalStateError, SparkConf, SparkContext } from '../../src/index.js'
import { randomPairs } from '../support/keys.js'
import * as reference from '../support/reference.js'
import { sortedRecords } from '../support/reference.js'

let sc: SparkContext
let scratch: string

beforeAll(() => {
  sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('rdd-lineage'))
  scratch = mkdtempSync(join(tmpdir(), 'sluice-rdd-lineage-'))
})

afterAll(async () => {
  try {
    await sc.stop()
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
})

function add(a: number, b: number): number {
  return a + b
}

/** How many shuffles (stage boundaries) the lineage has, by Spark's `+-` marks. */
function shuffles(debugString: string): number {
  return debugString.split('\n').filter((line) => line.includes('+-')).length
}

describe('toDebugString', () => {
  it('names each RDD by kind, id, operation and call site', () => {
    const mapped = sc.parallelize([1, 2], 2).map((x) => x + 1)

    expect(String(mapped)).toMatch(/^MapPartitionsRDD\[\d+\] at map at lineage\.test\.ts:\d+$/)
    expect(String(mapped.setName('plus one'))).toMatch(/^plus one MapPartitionsRDD\[\d+\] at map at lineage\.test\.ts:\d+$/)
  })

  it('prints one stage as one block with the partition count first', () => {
    const base = sc.parallelize([1, 2, 3], 3)
    const mapped = base.map((x) => x * 2)
    const filtered = mapped.filter((x) => x > 2)

    expect(filtered.toDebugString()).toBe([`(3) ${filtered} []`, ` |  ${mapped} []`, ` |  ${base} []`].join('\n'))
  })

  it("indents at each shuffle with Spark's +- mark", () => {
    const base = sc.parallelize(['a', 'b', 'a'], 3)
    const pairs = base.map((word) => [word, 1] as [string, number])
    const counts = pairs.reduceByKey(add, 2)
    const sorted = counts.sortByKey()
    const result = sorted.mapValues((n) => n * 10)

    expect(result.toDebugString()).toBe(
      [
        `(2) ${result} []`,
        ` |  ${sorted} []`,
        ` +-(2) ${counts} []`,
        `    +-(3) ${pairs} []`,
        `       |  ${base} []`,
      ].join('\n'),
    )
  })

  it('draws both inputs of a join, the first with a continuing bar', () => {
    const left = sc.parallelize<[string, number]>([['a', 1]], 12)
    const leftValues = left.mapValues((v) => v + 1)
    const right = sc.parallelize<[string, string]>([['a', 'x']], 2)
    const joined = leftValues.join(right, 3)
    const cogrouped = joined.toDebugString().split('\n')[1]

    expect(joined.toDebugString()).toBe(
      [
        `(3) ${joined} []`,
        cogrouped,
        ` +-(12) ${leftValues} []`,
        ` |  |   ${left} []`,
        ` +-(2) ${right} []`,
      ].join('\n'),
    )
    expect(cogrouped).toMatch(/^ \|  CoGroupedRDD\[\d+\] at .* \[\]$/)
  })

  it('marks cached RDDs with their storage level', () => {
    const cached = sc.parallelize([1], 1).map((x) => x).cache()

    expect(cached.toDebugString().split('\n')[0]).toBe(`(1) ${cached} [Memory Serialized 1x Replicated]`)
    expect(cached.storageLevel).toBe('MEMORY_ONLY_SER')
    expect(cached.unpersist().storageLevel).toBe('NONE')
  })
})

describe('cache', () => {
  it('computes a cached RDD once, however many actions use it', async () => {
    const computed = sc.longAccumulator('computed')
    const data = Array.from({ length: 300 }, (_, i) => i)
    const doubled = sc
      .parallelize(data, 3)
      .map(capture({ computed }, (x: number) => {
        computed.add(1)
        return x * 2
      }))
      .cache()

    expect(await doubled.count()).toBe(300)
    expect(computed.value).toBe(300)
    expect(await doubled.collect()).toEqual(data.map((x) => x * 2))
    expect(await doubled.map((x) => x + 1).sum()).toBe(data.reduce((sum, x) => sum + x * 2 + 1, 0))
    expect(await doubled.reduce(add)).toBe(data.reduce((sum, x) => sum + x * 2, 0))
    expect(computed.value).toBe(300)

    doubled.unpersist()
    expect(await doubled.count()).toBe(300)
    expect(computed.value).toBe(600)
  })

  it('keeps the partitions a partial job computed and computes only the rest later', async () => {
    const computed = sc.longAccumulator('computed')
    const rdd = sc
      .parallelize(Array.from({ length: 80 }, (_, i) => i), 4)
      .map(capture({ computed }, (x: number) => {
        computed.add(1)
        return x
      }))
      .cache()

    expect(await rdd.take(1)).toEqual([0])
    expect(computed.value).toBe(20)
    expect(await rdd.count()).toBe(80)
    expect(computed.value).toBe(80)
    expect(await rdd.count()).toBe(80)
    expect(computed.value).toBe(80)
  })

  it('caches the output of a shuffle', async () => {
    const computed = sc.longAccumulator('computed')
    const pairs = randomPairs('string', 300, 20, 500)
    const summed = sc
      .parallelize(pairs, 3)
      .reduceByKey(add)
      .mapValues(capture({ computed }, (v: number) => {
        computed.add(1)
        return v
      }))
      .cache()

    const first = await summed.collect()
    const distinctKeys = computed.value
    expect(sortedRecords(await summed.collect())).toEqual(sortedRecords(first))
    expect(sortedRecords(first)).toEqual(sortedRecords(reference.reduceByKey(pairs, add)))
    expect(distinctKeys).toBe(first.length)
    expect(computed.value).toBe(distinctKeys)
  })
})

describe('checkpoint', () => {
  it('refuses to checkpoint before a checkpoint directory is set', () => {
    const error = (() => {
      try {
        sc.parallelize([1], 1).checkpoint()
      } catch (caught) {
        return caught
      }
      return null
    })()

    expect(error).toBeInstanceOf(IllegalStateError)
    expect((error as Error).message).toMatch(/Checkpoint directory has not been set in the SparkContext; call sc.setCheckpointDir\(dir\) first/)
  })

  it('saves the RDD after the next job, cuts its lineage, and gives the same results', async () => {
    sc.setCheckpointDir(join(scratch, 'checkpoints'))
    const computed = sc.longAccumulator('computed')
    const pairs = randomPairs('tuple', 400, 30, 501)
    const rdd = sc
      .parallelize(pairs, 3)
      .reduceByKey(add, 4)
      .mapValues(capture({ computed }, (v: number) => {
        computed.add(1)
        return v * 2
      }))
    rdd.checkpoint()
    const before = rdd.toDebugString()

    expect(rdd.isCheckpointed()).toBe(false)
    const first = await rdd.collect()
    expect(rdd.isCheckpointed()).toBe(true)
    const after = rdd.toDebugString()
    const directory = rdd.getCheckpointFile() as string
    const afterCheckpoint = computed.value

    expect(sortedRecords(first)).toEqual(sortedRecords(reference.reduceByKey(pairs, add).map(([k, v]) => [k, v * 2])))
    expect(readdirSync(directory).sort()).toEqual(['part-00000', 'part-00001', 'part-00002', 'part-00003'])
    expect(shuffles(before)).toBe(1)
    expect(shuffles(after)).toBe(0)
    expect(after.split('\n').length).toBeLessThan(before.split('\n').length)
    expect(after.split('\n')[0]).toBe(before.split('\n')[0])
    expect(await rdd.collect()).toEqual(first)
    expect(await rdd.count()).toBe(first.length)
    expect(computed.value).toBe(afterCheckpoint)
    // The saved RDD keeps its partitioner: a reduction by the same key reads it in place.
    expect(rdd.partitioner).toEqual(new HashPartitioner(4))
    expect(shuffles(rdd.reduceByKey(add).toDebugString())).toBe(0)
    expect(sortedRecords(await rdd.reduceByKey(add).collect())).toEqual(sortedRecords(first))
  })

  it('checkpoints a marked RDD when a job runs on an RDD derived from it, as Spark does', async () => {
    const marked = sc.parallelize([3, 1, 2], 2).map((x) => x * 10)
    marked.checkpoint()

    expect(await marked.map((x) => x + 1).collect()).toEqual([31, 11, 21])
    expect(marked.isCheckpointed()).toBe(true)
    expect(existsSync(marked.getCheckpointFile() as string)).toBe(true)
    expect(await marked.collect()).toEqual([30, 10, 20])
  })

  it('checkpoints a cached RDD without computing it again', async () => {
    const computed = sc.longAccumulator('computed')
    const rdd = sc
      .parallelize([1, 2, 3, 4], 2)
      .map(capture({ computed }, (x: number) => {
        computed.add(1)
        return x
      }))
      .cache()
    rdd.checkpoint()

    expect(await rdd.sum()).toBe(10)
    expect(rdd.isCheckpointed()).toBe(true)
    expect(await rdd.collect()).toEqual([1, 2, 3, 4])
    expect(computed.value).toBe(4)
  })
})
