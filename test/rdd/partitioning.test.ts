import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { capture, HashPartitioner, SparkConf, SparkContext } from '../../src/index.js'
import { KEY_KINDS, type Key, randomPairs } from '../support/keys.js'
import * as reference from '../support/reference.js'
import { sortedRecords, withSortedValues } from '../support/reference.js'

const PARTITIONS = [1, 3, 8] as const

let sc: SparkContext

beforeAll(() => {
  sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('rdd-partitioning'))
})

afterAll(async () => {
  await sc.stop()
})

function add(a: number, b: number): number {
  return a + b
}

/** How many shuffles (stage boundaries) the lineage has, by Spark's `+-` marks. */
function shuffles(debugString: string): number {
  return debugString.split('\n').filter((line) => line.includes('+-')).length
}

describe.each(KEY_KINDS)('hash partitioning of %s keys', (kind) => {
  const pairs = randomPairs(kind, 500, 60, 200)

  it.each(PARTITIONS)('partitionBy(%i) puts every pair in the partition its key hashes to', async (n) => {
    const partitioned = sc.parallelize(pairs, 3).partitionBy(n)
    const partitioner = partitioned.partitioner
    const parts = await partitioned.glom().collect()

    expect(partitioner).toEqual(new HashPartitioner(n))
    expect(partitioned.getNumPartitions()).toBe(n)
    expect(sortedRecords(parts.flat())).toEqual(sortedRecords(pairs))
    parts.forEach((part, index) => {
      for (const [key] of part) expect(partitioner?.getPartition(key)).toBe(index)
    })
  })

  it.each(PARTITIONS)('reduceByKey into %i partitions places each key in exactly one partition, where the driver looks for it', async (n) => {
    const reduced = sc.parallelize(pairs, 3).reduceByKey(add, n)
    const parts = await reduced.glom().collect()
    const seen = new Set<string>()

    expect(reduced.partitioner?.equals(new HashPartitioner(n))).toBe(true)
    parts.forEach((part, index) => {
      for (const [key] of part) {
        expect(seen.has(reference.canonical(key))).toBe(false)
        seen.add(reference.canonical(key))
        expect(reduced.partitioner?.getPartition(key)).toBe(index)
      }
    })
  })
})

describe('partitioners carried through transformations', () => {
  const pairs = randomPairs('tuple', 400, 50, 201)

  it('mapValues, flatMapValues, filter and mapPartitions(fn, true) keep the partitioner; map, flatMap and keyBy drop it', () => {
    const partitioned = sc.parallelize(pairs, 3).partitionBy(4)
    const expected = new HashPartitioner(4)

    expect(partitioned.mapValues((v) => v + 1).partitioner).toEqual(expected)
    expect(partitioned.flatMapValues((v) => [v, v]).partitioner).toEqual(expected)
    expect(partitioned.filter(([, v]) => v > 10).partitioner).toEqual(expected)
    expect(partitioned.mapPartitions((records) => records, true).partitioner).toEqual(expected)
    expect(partitioned.mapPartitions((records) => records).partitioner).toBeNull()
    expect(partitioned.map((record) => record).partitioner).toBeNull()
    expect(partitioned.flatMap((record) => [record]).partitioner).toBeNull()
    expect(partitioned.keyBy((record) => record[0]).partitioner).toBeNull()
    expect(sc.parallelize(pairs, 3).partitioner).toBeNull()
  })

  it('partitionBy with the partitioner an RDD already has returns that RDD', () => {
    const partitioned = sc.parallelize(pairs, 3).partitionBy(4)

    expect(partitioned.partitionBy(4)).toBe(partitioned)
    expect(partitioned.partitionBy(new HashPartitioner(4))).toBe(partitioned)
    expect(partitioned.partitionBy(5)).not.toBe(partitioned)
  })

  it.each(PARTITIONS)('reduceByKey, groupByKey and aggregateByKey on an RDD partitioned into %i need no second shuffle', async (n) => {
    const partitioned = sc.parallelize(pairs, 3).partitionBy(n).mapValues((v) => v * 2)
    const doubled = pairs.map(([k, v]) => [k, v * 2] as [Key, number])
    const reduced = partitioned.reduceByKey(add)
    const grouped = partitioned.groupByKey()
    const gathered = partitioned.aggregateByKey([] as number[], (acc, v) => {
      acc.push(v)
      return acc
    }, (a, b) => a.concat(b))

    expect(shuffles(reduced.toDebugString())).toBe(1)
    expect(shuffles(grouped.toDebugString())).toBe(1)
    expect(reduced.partitioner).toEqual(new HashPartitioner(n))
    expect(sortedRecords(await reduced.collect())).toEqual(sortedRecords(reference.reduceByKey(doubled, add)))
    expect(sortedRecords(withSortedValues(await grouped.collect()))).toEqual(sortedRecords(withSortedValues(reference.groupByKey(doubled))))
    expect(sortedRecords(withSortedValues(await gathered.collect()))).toEqual(sortedRecords(withSortedValues(reference.groupByKey(doubled))))
    // foldByKey in place folds the zero once per key: each key lives in one partition.
    expect(sortedRecords(await partitioned.foldByKey(100, add).collect())).toEqual(
      sortedRecords(reference.reduceByKey(doubled, add).map(([k, sum]) => [k, sum + 100])),
    )
  })

  it('joins co-partitioned RDDs without shuffling them again', async () => {
    const others = randomPairs('tuple', 300, 70, 202)
    const left = sc.parallelize(pairs, 3).partitionBy(4)
    const right = sc.parallelize(others, 2).partitionBy(4)
    const joined = left.join(right)

    expect(shuffles(joined.toDebugString())).toBe(2)
    expect(joined.getNumPartitions()).toBe(4)
    expect(sortedRecords(await joined.collect())).toEqual(sortedRecords(reference.join(pairs, others, 'inner')))
    expect(shuffles(left.cogroup(sc.parallelize(others, 2)).toDebugString())).toBe(2)
  })

  it('join, the outer joins and subtractByKey keep the partitioner they were computed with', async () => {
    const left = sc.parallelize(pairs, 3)
    const right = sc.parallelize(randomPairs('tuple', 300, 70, 203), 2)
    const expected = new HashPartitioner(3)

    expect(left.join(right).partitioner).toEqual(expected)
    expect(left.leftOuterJoin(right).partitioner).toEqual(expected)
    expect(left.rightOuterJoin(right).partitioner).toEqual(expected)
    expect(left.fullOuterJoin(right).partitioner).toEqual(expected)
    expect(left.subtractByKey(right).partitioner).toEqual(expected)
    expect(left.cogroup(right).partitioner).toEqual(expected)
    // So a reduction of a join's output by the same key needs no third shuffle.
    const summed = left.join(right).mapValues(([v]) => v).reduceByKey(add)
    expect(shuffles(summed.toDebugString())).toBe(2)
    expect(sortedRecords(await summed.collect())).toEqual(
      sortedRecords(reference.reduceByKey(reference.join(pairs, randomPairs('tuple', 300, 70, 203), 'inner').map(([k, [v]]) => [k, v as number] as const), add)),
    )
  })

  it("picks Spark's default partitioner: an input's partitioner unless it has ten times fewer partitions than the largest input", () => {
    const partitioned = sc.parallelize(pairs, 3).partitionBy(4)

    expect(partitioned.join(sc.parallelize(pairs, 8)).partitioner).toEqual(new HashPartitioner(4))
    expect(sc.parallelize(pairs, 8).join(partitioned).partitioner).toEqual(new HashPartitioner(4))
    expect(partitioned.join(sc.parallelize(pairs, 50)).partitioner).toEqual(new HashPartitioner(50))
    expect(sc.parallelize(pairs, 2).join(sc.parallelize(pairs, 7)).getNumPartitions()).toBe(7)
    expect(partitioned.reduceByKey(add).partitioner).toEqual(new HashPartitioner(4))
    expect(partitioned.reduceByKey(add, 6).partitioner).toEqual(new HashPartitioner(6))
  })
})

describe('union of partitioned RDDs', () => {
  const pairs = randomPairs('string', 400, 40, 202)

  it('keeps the shared partitioner and its partition count, as PartitionerAwareUnionRDD does', async () => {
    const left = sc.parallelize(pairs.slice(0, 200), 2).partitionBy(3)
    const right = sc.parallelize(pairs.slice(200), 5).partitionBy(3)

    const union = sc.union(left, right)

    expect(union.partitioner).toEqual(new HashPartitioner(3))
    expect(union.getNumPartitions()).toBe(3)
    const [leftParts, rightParts, unionParts] = await Promise.all([left.glom().collect(), right.glom().collect(), union.glom().collect()])
    expect(unionParts).toEqual(leftParts.map((part, i) => [...part, ...(rightParts[i] ?? [])]))
  })

  it('concatenates the partitions when the partitioners differ', () => {
    const union = sc.union(sc.parallelize(pairs, 2).partitionBy(3), sc.parallelize(pairs, 2).partitionBy(4))

    expect(union.partitioner).toBeNull()
    expect(union.getNumPartitions()).toBe(7)
  })
})

describe('lookup', () => {
  const pairs = randomPairs('object', 400, 30, 203)

  it.each(KEY_KINDS)('finds every value of a %s key, in partition order, without a partitioner', async (kind) => {
    const data = randomPairs(kind, 400, 30, 204)
    const rdd = sc.parallelize(data, 3)
    for (const [key] of data.slice(0, 5)) {
      const id = reference.canonical(key)

      expect(await rdd.lookup(key)).toEqual(data.filter(([k]) => reference.canonical(k) === id).map(([, v]) => v))
    }
    expect(await rdd.lookup(kind === 'string' ? 'no such key' : kind === 'number' ? 1e9 : kind === 'tuple' ? ['nobody', 0] : { user: 'nobody', n: 0 })).toEqual([])
  })

  it('reads only the partition that can hold the key when the RDD has a partitioner', async () => {
    const read = sc.longAccumulator('records read')
    const partitioned = sc
      .parallelize(pairs, 3)
      .partitionBy(5)
      .mapValues(capture({ read }, (v: number) => {
        read.add(1)
        return v
      }))
    const parts = await partitioned.glom().collect()
    read.reset()
    const key = { n: 3, user: 'user-1' }
    const home = partitioned.partitioner?.getPartition(key) ?? -1
    const values = await partitioned.lookup(key)

    expect(sortedRecords(values)).toEqual(sortedRecords(pairs.filter(([k]) => reference.canonical(k) === reference.canonical(key)).map(([, v]) => v)))
    expect(values.length).toBeGreaterThan(0)
    expect(read.value).toBe(parts[home]?.length)
    expect(read.value).toBeLessThan(pairs.length)
  })

  it('finds nothing in an RDD without partitions', async () => {
    expect(await sc.emptyRDD<[string, number]>().lookup('a')).toEqual([])
    expect(await sc.emptyRDD<[string, number]>().reduceByKey(add).lookup('a')).toEqual([])
  })
})

describe('partition counts', () => {
  it('reports the partition count of every kind of RDD', () => {
    const base = sc.parallelize([1, 2, 3, 4, 5, 6], 3)
    const pairs = base.map((x) => [x % 2, x] as [number, number])

    expect(base.getNumPartitions()).toBe(3)
    expect(base.map((x) => x).getNumPartitions()).toBe(3)
    expect(base.union(base).getNumPartitions()).toBe(6)
    expect(base.cartesian(base).getNumPartitions()).toBe(9)
    expect(base.coalesce(2).getNumPartitions()).toBe(2)
    expect(base.coalesce(10).getNumPartitions()).toBe(3)
    expect(base.repartition(7).getNumPartitions()).toBe(7)
    expect(base.zipWithIndex().getNumPartitions()).toBe(3)
    expect(base.sortBy((x) => -x, true, 2).getNumPartitions()).toBe(2)
    expect(pairs.groupByKey(4).getNumPartitions()).toBe(4)
    expect(pairs.cogroup(pairs, 2).getNumPartitions()).toBe(2)
    expect(pairs.subtractByKey(sc.parallelize<[number, number]>([], 9)).getNumPartitions()).toBe(3)
  })
})
