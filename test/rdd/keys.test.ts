import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { SparkConf, SparkContext } from '../../src/index.js'
import { sortedRecords } from '../support/reference.js'

let sc: SparkContext

beforeAll(() => {
  sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('rdd-keys'))
})

afterAll(async () => {
  await sc.stop()
})

function add(a: number, b: number): number {
  return a + b
}

type Pair<K, V> = [K, V]

describe('keys compare by value in every keyed operation', () => {
  // Equal keys written with their properties in different orders, nested inside arrays and objects.
  const userA1 = { user: 'a', visit: { day: 1, page: 'home' } }
  const userA1Reordered = { visit: { page: 'home', day: 1 }, user: 'a' }
  const userA2 = { user: 'a', visit: { day: 2, page: 'home' } }
  const pairs: Pair<object, number>[] = [
    [userA1, 1],
    [userA2, 10],
    [userA1Reordered, 100],
    [{ visit: { day: 1, page: 'home' }, user: 'a' }, 1000],
  ]

  it.each([1, 3, 8])('reduceByKey and groupByKey merge object keys whatever their property order (%i partitions)', async (p) => {
    const rdd = sc.parallelize(pairs, p)
    const grouped = (await rdd.groupByKey().collect()).map(([key, values]) => [key, [...values].sort((a, b) => a - b)])

    expect(sortedRecords(await rdd.reduceByKey(add).collect())).toEqual(sortedRecords([[userA1, 1101], [userA2, 10]]))
    expect(sortedRecords(grouped)).toEqual(sortedRecords([[userA1, [1, 100, 1000]], [userA2, [10]]]))
    expect(await rdd.keys().distinct().count()).toBe(2)
  })

  it('joins, cogroups and subtracts by value', async () => {
    const left = sc.parallelize(pairs, 3)
    const right = sc.parallelize<Pair<object, string>>([[{ visit: { day: 1, page: 'home' }, user: 'a' }, 'x']], 2)

    expect(sortedRecords(await left.join(right).collect())).toEqual(sortedRecords([[userA1, [1, 'x']], [userA1, [100, 'x']], [userA1, [1000, 'x']]]))
    expect(await left.subtractByKey(right).collect()).toEqual([[userA2, 10]])
    expect(await right.cogroup(left.filter(([, v]) => v > 1)).collect()).toHaveLength(2)
    expect(sortedRecords(await left.keys().intersection(right.keys()).collect())).toEqual([userA1])
    expect(sortedRecords(await left.keys().subtract(right.keys()).collect())).toEqual([userA2])
  })

  it('counts, maps and looks up by value', async () => {
    const rdd = sc.parallelize(pairs, 3)
    const counts = await rdd.countByKey()
    const map = await rdd.collectAsMap()

    expect(counts.get({ visit: { page: 'home', day: 1 }, user: 'a' })).toBe(3)
    expect(counts.get({ user: 'a', visit: { page: 'home', day: 2 } })).toBe(1)
    expect(map.get({ visit: { day: 1, page: 'home' }, user: 'a' })).toBe(1000)
    expect((await rdd.lookup({ visit: { page: 'home', day: 1 }, user: 'a' })).sort((a, b) => a - b)).toEqual([1, 100, 1000])
    expect(await rdd.partitionBy(4).lookup({ user: 'a', visit: { page: 'home', day: 2 } })).toEqual([10])
  })

  it('tells apart keys that only look alike: 1, "1", [1], ["1"], true and null', async () => {
    const keys: unknown[] = [1, '1', [1], ['1'], true, null, 1, '1', [1], ['1'], true, null, [1, 1], { 1: 1 }]
    const counts = await sc.parallelize(keys.map((key) => [key, 1] as Pair<unknown, number>), 3).reduceByKey(add, 4).collect()

    expect(sortedRecords(counts)).toEqual(sortedRecords([[1, 2], ['1', 2], [[1], 2], [['1'], 2], [true, 2], [null, 2], [[1, 1], 1], [{ 1: 1 }, 1]]))
  })

  it('treats every NaN as one key, as the key contract says', async () => {
    const counts = await sc.parallelize<Pair<number, number>>([[Number.NaN, 1], [0, 1], [Number.NaN, 1]], 2).reduceByKey(add).collect()

    expect(sortedRecords(counts)).toEqual(sortedRecords([[Number.NaN, 2], [0, 1]]))
  })

  it('sorts keys of mixed kinds in the documented order: null, booleans, numbers, strings, arrays, objects', async () => {
    const keys: unknown[] = [{ a: 1 }, 'b', [2], 10, true, null, 'a', [1, 'x'], -1, false, [1], { a: 0, b: 1 }]
    const sorted = await sc
      .parallelize(keys.map((key, i) => [key, i] as Pair<unknown, number>), 3)
      .sortByKey(true, 2)
      .keys()
      .collect()

    expect(sorted).toEqual([null, false, true, -1, 10, 'a', 'b', [1], [1, 'x'], [2], { a: 0, b: 1 }, { a: 1 }])
    expect(await sc.parallelize(keys, 2).sortBy((key) => key, false).collect()).toEqual([...sorted].reverse())
  })

  it('orders strings by UTF-16 code units, as Java does', async () => {
    const words = ['é', 'z', 'Z', 'a', '😀', 'ﬀ', '', 'aa']

    expect(await sc.parallelize(words, 3).sortBy((w) => w).collect()).toEqual(['', 'Z', 'a', 'aa', 'z', 'é', '😀', 'ﬀ'])
    expect(await sc.parallelize(words, 3).takeOrdered(3)).toEqual(['', 'Z', 'a'])
  })
})
