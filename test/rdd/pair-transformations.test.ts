import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { capture, SparkConf, SparkContext, TaskFailedError } from '../../src/index.js'
import type { RDD } from '../../src/index.js'
import { KEY_KINDS, type Key, randomPairs } from '../support/keys.js'
import { captureLog } from '../support/log-capture.js'
import * as reference from '../support/reference.js'
import { canonical, referenceCompare, slices, sortedRecords, withSortedValues } from '../support/reference.js'
import { rejectionOf } from '../support/rejection.js'

const PARTITIONS = [1, 3, 8] as const

let sc: SparkContext

beforeAll(() => {
  sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('rdd-pair-transformations'))
})

afterAll(async () => {
  await sc.stop()
})

function add(a: number, b: number): number {
  return a + b
}

/** For each key, how many of the p parallelize slices hold it: how many zero values Spark folds in per key. */
function slicesHolding(pairs: readonly [Key, number][], p: number): Map<string, number> {
  const counts = new Map<string, number>()
  for (const slice of slices(pairs, p)) {
    for (const id of new Set(slice.map(([key]) => canonical(key)))) counts.set(id, (counts.get(id) ?? 0) + 1)
  }
  return counts
}

describe.each(KEY_KINDS)('pair transformations with %s keys', (kind) => {
  const pairs = randomPairs(kind, 600, 40, 100)

  it.each(PARTITIONS)('keys and values keep the partition order of %i partitions', async (p) => {
    const rdd = sc.parallelize(pairs, p)

    expect(await rdd.keys().collect()).toEqual(pairs.map(([key]) => key))
    expect(await rdd.values().collect()).toEqual(pairs.map(([, value]) => value))
  })

  it.each(PARTITIONS)('mapValues and flatMapValues keep keys and order on %i partitions', async (p) => {
    const rdd = sc.parallelize(pairs, p)

    expect(await rdd.mapValues((v) => v * 2 + 1).collect()).toEqual(pairs.map(([k, v]) => [k, v * 2 + 1]))
    expect(await rdd.flatMapValues((v) => (v % 3 === 0 ? [] : [v, -v])).collect()).toEqual(
      pairs.flatMap(([k, v]) => (v % 3 === 0 ? [] : [[k, v], [k, -v]])),
    )
  })

  it.each(PARTITIONS)('reduceByKey merges the values of equal keys from %i partitions', async (p) => {
    const rdd = sc.parallelize(pairs, p)
    const reduced = rdd.reduceByKey(add)

    expect(reduced.getNumPartitions()).toBe(p)
    expect(sortedRecords(await reduced.collect())).toEqual(sortedRecords(reference.reduceByKey(pairs, add)))
    expect(sortedRecords(await rdd.reduceByKey((a, b) => Math.max(a, b), 5).collect())).toEqual(sortedRecords(reference.reduceByKey(pairs, (a, b) => Math.max(a, b))))
    expect(rdd.reduceByKey(add, 5).getNumPartitions()).toBe(5)
  })

  it.each(PARTITIONS)('groupByKey gathers every value of a key into one array from %i partitions', async (p) => {
    const grouped = sc.parallelize(pairs, p).groupByKey()
    const result = await grouped.collect()

    expect(grouped.getNumPartitions()).toBe(p)
    expect(sortedRecords(withSortedValues(result))).toEqual(sortedRecords(withSortedValues(reference.groupByKey(pairs))))
    expect(result.every(([, values]) => Array.isArray(values))).toBe(true)
  })

  it.each(PARTITIONS)('combineByKey builds one combiner per key from %i partitions', async (p) => {
    const combined = sc.parallelize(pairs, p).combineByKey(
      (v: number) => [v, 1] as [number, number],
      (acc: [number, number], v: number) => [acc[0] + v, acc[1] + 1] as [number, number],
      (a: [number, number], b: [number, number]) => [a[0] + b[0], a[1] + b[1]] as [number, number],
      4,
    )
    const expected = reference.groupByKey(pairs).map(([key, values]) => [key, [values.reduce(add), values.length]])

    expect(combined.getNumPartitions()).toBe(4)
    expect(sortedRecords(await combined.collect())).toEqual(sortedRecords(expected))
  })

  it.each(PARTITIONS)('aggregateByKey gives each key its own copy of a mutable zero on %i partitions', async (p) => {
    const gathered = sc.parallelize(pairs, p).aggregateByKey(
      [] as number[],
      (acc, v) => {
        acc.push(v)
        return acc
      },
      (a, b) => a.concat(b),
    )

    expect(sortedRecords(withSortedValues(await gathered.collect()))).toEqual(sortedRecords(withSortedValues(reference.groupByKey(pairs))))
  })

  it.each(PARTITIONS)('aggregateByKey and foldByKey fold the zero in once per key and input partition, as Spark does, on %i partitions', async (p) => {
    const rdd = sc.parallelize(pairs, p)
    const zeros = slicesHolding(pairs, p)
    const expected = (zero: number) =>
      reference.reduceByKey(pairs, add).map(([key, sum]) => [key, sum + zero * (zeros.get(canonical(key)) ?? 0)])

    expect(sortedRecords(await rdd.aggregateByKey(10, add, add).collect())).toEqual(sortedRecords(expected(10)))
    expect(sortedRecords(await rdd.foldByKey(1000, add).collect())).toEqual(sortedRecords(expected(1000)))
    expect(sortedRecords(await rdd.foldByKey(0, add, 2).collect())).toEqual(sortedRecords(reference.reduceByKey(pairs, add)))
  })

  it.each(PARTITIONS)('sortByKey orders keys ascending and descending from %i partitions', async (p) => {
    const rdd = sc.parallelize(pairs, p)
    const ascendingKeys = pairs.map(([key]) => key).sort(referenceCompare)

    for (const numPartitions of [undefined, 1, 4, 9]) {
      const ascending = await rdd.sortByKey(true, numPartitions).collect()
      const descending = await rdd.sortByKey(false, numPartitions).collect()

      expect(rdd.sortByKey(true, numPartitions).getNumPartitions()).toBe(numPartitions ?? p)
      expect(ascending.map(([key]) => key)).toEqual(ascendingKeys)
      expect(descending.map(([key]) => key)).toEqual([...ascendingKeys].reverse())
      expect(sortedRecords(ascending)).toEqual(sortedRecords(pairs))
      expect(sortedRecords(descending)).toEqual(sortedRecords(pairs))
    }
  })

  it.each(PARTITIONS)('sortByKey puts lower keys in lower partitions (%i input partitions)', async (p) => {
    const parts = await sc.parallelize(pairs, p).sortByKey(true, 4).glom().collect()
    const descendingParts = await sc.parallelize(pairs, p).sortByKey(false, 4).glom().collect()

    for (let i = 1; i < parts.length; i++) {
      const last = parts.slice(0, i).flat().at(-1)
      const first = parts.slice(i).flat()[0]
      if (last !== undefined && first !== undefined) expect(referenceCompare(last[0], first[0])).toBeLessThan(0)
      const lastDescending = descendingParts.slice(0, i).flat().at(-1)
      const firstDescending = descendingParts.slice(i).flat()[0]
      if (lastDescending !== undefined && firstDescending !== undefined) expect(referenceCompare(lastDescending[0], firstDescending[0])).toBeGreaterThan(0)
    }
  })

  describe('joins', () => {
    // Keys 0..29 on the left and 20..59 on the right: some on each side only, about five values per key per side.
    const left = randomPairs(kind, 150, 30, 101)
    const right = randomPairs(kind, 200, 40, 102, 20).map(([key, value]) => [key, `r${value}`] as [Key, string])

    it.each(PARTITIONS)('join pairs every left value with every right value of a key (%i left partitions)', async (p) => {
      const joined = sc.parallelize(left, p).join(sc.parallelize(right, 2))

      expect(joined.getNumPartitions()).toBe(Math.max(p, 2))
      expect(sortedRecords(await joined.collect())).toEqual(sortedRecords(reference.join(left, right, 'inner')))
    })

    it.each(PARTITIONS)('leftOuterJoin, rightOuterJoin and fullOuterJoin put null on the missing side (%i left partitions)', async (p) => {
      const l = sc.parallelize(left, p)
      const r = sc.parallelize(right, 3)

      expect(sortedRecords(await l.leftOuterJoin(r).collect())).toEqual(sortedRecords(reference.join(left, right, 'left')))
      expect(sortedRecords(await l.rightOuterJoin(r).collect())).toEqual(sortedRecords(reference.join(left, right, 'right')))
      expect(sortedRecords(await l.fullOuterJoin(r, 5).collect())).toEqual(sortedRecords(reference.join(left, right, 'full')))
      expect(l.fullOuterJoin(r, 5).getNumPartitions()).toBe(5)
    })

    it.each(PARTITIONS)('cogroup lists the values of both sides for every key of either (%i left partitions)', async (p) => {
      const grouped = await sc.parallelize(left, p).cogroup(sc.parallelize(right, 2)).collect()
      const sortGroups = (entries: readonly [Key, [number[], string[]]][]) =>
        sortedRecords(entries.map(([key, [vs, ws]]) => [key, [sortedRecords(vs), sortedRecords(ws)]]))

      expect(sortGroups(grouped)).toEqual(sortGroups(reference.cogroup(left, right)))
    })

    it.each(PARTITIONS)('subtractByKey keeps the left pairs whose key the right lacks (%i left partitions)', async (p) => {
      const hasKey = reference.containsKey(right.map(([key]) => key))
      const result = sc.parallelize(left, p).subtractByKey(sc.parallelize(right, 2))

      expect(result.getNumPartitions()).toBe(p)
      expect(sortedRecords(await result.collect())).toEqual(sortedRecords(left.filter(([key]) => !hasKey(key))))
    })

    it('joins an RDD with itself', async () => {
      const rdd = sc.parallelize(left, 3)

      expect(sortedRecords(await rdd.join(rdd).collect())).toEqual(sortedRecords(reference.join(left, left, 'inner')))
    })
  })
})

describe('pair transformations on tiny inputs', () => {
  it('join of duplicate keys is their cross product, and outer joins use null', async () => {
    const left = sc.parallelize<[string, number]>([['a', 1], ['a', 2], ['b', 3]], 2)
    const right = sc.parallelize<[string, string]>([['a', 'x'], ['a', 'y'], ['c', 'z']], 2)

    expect(sortedRecords(await left.join(right).collect())).toEqual(sortedRecords([['a', [1, 'x']], ['a', [1, 'y']], ['a', [2, 'x']], ['a', [2, 'y']]]))
    expect(sortedRecords(await left.leftOuterJoin(right).collect())).toEqual(
      sortedRecords([['a', [1, 'x']], ['a', [1, 'y']], ['a', [2, 'x']], ['a', [2, 'y']], ['b', [3, null]]]),
    )
    expect(sortedRecords(await left.rightOuterJoin(right).collect())).toEqual(
      sortedRecords([['a', [1, 'x']], ['a', [1, 'y']], ['a', [2, 'x']], ['a', [2, 'y']], ['c', [null, 'z']]]),
    )
    expect(sortedRecords(await left.fullOuterJoin(right).collect())).toEqual(
      sortedRecords([['a', [1, 'x']], ['a', [1, 'y']], ['a', [2, 'x']], ['a', [2, 'y']], ['b', [3, null]], ['c', [null, 'z']]]),
    )
    expect(sortedRecords(await left.cogroup(right).collect())).toEqual(
      sortedRecords([['a', [[1, 2], ['x', 'y']]], ['b', [[3], []]], ['c', [[], ['z']]]]),
    )
  })

  it('keeps null values apart from the null of a missing side', async () => {
    const left = sc.parallelize<[string, number | null]>([['a', null], ['b', 1]], 2)
    const right = sc.parallelize<[string, string | null]>([['a', null]], 1)

    expect(sortedRecords(await left.fullOuterJoin(right).collect())).toEqual(sortedRecords([['a', [null, null]], ['b', [1, null]]]))
    expect(await left.join(right).collect()).toEqual([['a', [null, null]]])
  })

  it('an RDD without partitions gives empty results and no partitions', async () => {
    const empty = sc.emptyRDD<[string, number]>()
    const shuffled: RDD<unknown>[] = [
      empty.reduceByKey(add),
      empty.groupByKey(),
      empty.foldByKey(0, add),
      empty.aggregateByKey(0, add, add),
      empty.sortByKey(),
      empty.sortByKey(false),
      empty.cogroup(sc.emptyRDD<[string, number]>()),
      empty.join(sc.emptyRDD<[string, number]>()),
      empty.subtractByKey(sc.parallelize<[string, number]>([['a', 1]], 2)),
    ]

    for (const rdd of shuffled) {
      expect(rdd.getNumPartitions()).toBe(0)
      expect(await rdd.collect()).toEqual([])
    }
    expect(await empty.leftOuterJoin(sc.parallelize<[string, number]>([['a', 1]], 2)).collect()).toEqual([])
    expect(await empty.fullOuterJoin(sc.parallelize<[string, number]>([['a', 1]], 2)).collect()).toEqual([['a', [null, 1]]])
  })

  it('shuffles into zero partitions when asked, as Spark allows, giving nothing and computing nothing', async () => {
    const computed = sc.longAccumulator('computed')
    const pairs = sc.parallelize<[string, number]>([['a', 1], ['b', 2]], 2).map(capture({ computed }, (pair: [string, number]) => {
      computed.add(1)
      return pair
    }))

    for (const rdd of [pairs.reduceByKey(add, 0), pairs.groupByKey(0), pairs.partitionBy(0), pairs.sortByKey(true, 0), pairs.join(pairs, 0)] as RDD<unknown>[]) {
      expect(rdd.getNumPartitions()).toBe(0)
      expect(await rdd.collect()).toEqual([])
    }
    expect(computed.value).toBe(0)
    expect(() => pairs.reduceByKey(add, -1)).toThrow(/numPartitions must be a non-negative integer, got -1/)
  })

  it('groups all-empty partitions into nothing, and one record into one group', async () => {
    expect(await sc.parallelize<[string, number]>([], 4).groupByKey().collect()).toEqual([])
    expect(await sc.parallelize<[string, number]>([['only', 1]], 8).groupByKey(3).collect()).toEqual([['only', [1]]])
  })

  it('refuses records that are not pairs with a message that says so', async () => {
    const notPairs = sc.parallelize([1, 2, 3], 1) as unknown as RDD<[number, number]>
    const log = captureLog()
    try {
      const error = await rejectionOf<TaskFailedError>(notPairs.reduceByKey(add).collect())

      expect(error).toBeInstanceOf(TaskFailedError)
      expect(error.workerMessage).toBe('reduceByKey works on [key, value] pairs, but got number 1; map the records to pairs first, e.g. .map((x) => [x, 1])')
    } finally {
      log.restore()
    }
  })

  it('sorts records that all share one key into one partition', async () => {
    const sorted = sc.parallelize<[string, number]>([['k', 1], ['k', 2], ['k', 3]], 3).sortByKey(true, 4)
    const parts = await sorted.glom().collect()

    expect(parts).toHaveLength(4)
    expect(parts.filter((part) => part.length > 0)).toHaveLength(1)
    expect(sortedRecords(parts.flat())).toEqual(sortedRecords([['k', 1], ['k', 2], ['k', 3]]))
  })
})
