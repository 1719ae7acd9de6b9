import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { capture, SparkConf, SparkContext, TaskFailedError } from '../../src/index.js'
import { KEY_KINDS, randomInts, randomKeys } from '../support/keys.js'
import { captureLog } from '../support/log-capture.js'
import { canonical, containsKey, distinct, referenceCompare, slices, sortedRecords } from '../support/reference.js'
import { rejectionOf } from '../support/rejection.js'

const PARTITIONS = [1, 3, 8] as const

let sc: SparkContext

beforeAll(() => {
  sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('rdd-transformations'))
})

afterAll(async () => {
  await sc.stop()
})

describe('parallelize', () => {
  it.each(PARTITIONS)('collects the data in its original order from %i partitions', async (p) => {
    for (const n of [0, 1, 7, 1000]) {
      const data = randomInts(n, -1000, 1000, n)
      const rdd = sc.parallelize(data, p)

      expect(rdd.getNumPartitions()).toBe(p)
      expect(await rdd.collect()).toEqual(data)
      expect(await rdd.count()).toBe(n)
    }
  })

  it.each(PARTITIONS)("cuts the data into %i slices at Spark's boundaries ⌊j·n/p⌋", async (p) => {
    for (const n of [0, 2, 5, 8, 13, 1000]) {
      const data = Array.from({ length: n }, (_, i) => i)

      expect(await sc.parallelize(data, p).glom().collect()).toEqual(slices(data, p))
    }
  })

  it('keeps every key kind intact, objects with their property order', async () => {
    for (const kind of KEY_KINDS) {
      const keys = randomKeys(kind, 300, 40, 11)
      const collected = await sc.parallelize(keys, 3).collect()

      expect(collected).toEqual(keys)
      expect(collected.map((key) => (typeof key === 'object' ? Object.keys(key) : []))).toEqual(keys.map((key) => (typeof key === 'object' ? Object.keys(key) : [])))
    }
  })

  it('rejects a slice count that is not a positive integer', () => {
    expect(() => sc.parallelize([1], 0)).toThrow(RangeError)
    expect(() => sc.parallelize([1], 1.5)).toThrow(/numSlices must be a positive integer, got 1.5/)
  })
})

describe('emptyRDD', () => {
  it('has no partitions and no elements', async () => {
    const empty = sc.emptyRDD<number>()

    expect(empty.getNumPartitions()).toBe(0)
    expect(await empty.collect()).toEqual([])
    expect(await empty.count()).toBe(0)
    expect(await empty.map((x) => x + 1).glom().collect()).toEqual([])
  })
})

describe('map, flatMap and filter', () => {
  it.each(PARTITIONS)('map keeps partition order on %i partitions', async (p) => {
    const data = randomInts(1000, -500, 500, 1)
    const f = (x: number) => x * 3 - 1

    expect(await sc.parallelize(data, p).map(f).collect()).toEqual(data.map(f))
  })

  it.each(PARTITIONS)('flatMap concatenates arrays, Sets, generators and strings in order on %i partitions', async (p) => {
    const data = randomInts(500, 0, 4, 2)
    const toArray = (x: number) => Array.from({ length: x }, (_, i) => x * 10 + i)
    const toSet = (x: number) => new Set([x, x + 100])
    const toGenerator = function* (x: number) {
      for (let i = 1; i <= x; i++) yield -i
    }
    const toString = (x: number) => 'ab'.repeat(x)
    const rdd = sc.parallelize(data, p)

    expect(await rdd.flatMap(toArray).collect()).toEqual(data.flatMap(toArray))
    expect(await rdd.flatMap(toSet).collect()).toEqual(data.flatMap((x) => [...toSet(x)]))
    expect(await rdd.flatMap(toGenerator).collect()).toEqual(data.flatMap((x) => [...toGenerator(x)]))
    expect(await rdd.flatMap(toString).collect()).toEqual(data.flatMap((x) => [...toString(x)]))
  })

  it('fails the job with a clear message when a flatMap function returns a non-iterable', async () => {
    const log = captureLog()
    try {
      const error = await rejectionOf<TaskFailedError>(sc.parallelize([1, 2], 1).flatMap((x) => x as unknown as number[]).collect())

      expect(error).toBeInstanceOf(TaskFailedError)
      expect(error.workerMessage).toBe('The function given to flatMap must return an iterable (an array, a Set, a generator, ...), got number 1')
      expect(log.at('WARN')).toHaveLength(4)
    } finally {
      log.restore()
    }
  })

  it.each(PARTITIONS)('filter keeps the matching elements in order on %i partitions', async (p) => {
    for (const kind of KEY_KINDS) {
      const keys = randomKeys(kind, 600, 50, 3)
      const keep = (key: unknown) => JSON.stringify(key).length % 3 !== 0

      expect(await sc.parallelize(keys, p).filter(keep).collect()).toEqual(keys.filter(keep))
    }
  })

  it('fuses a chain of narrow operations into one stage that gives the plain-JS answer', async () => {
    const data = randomInts(2000, 0, 1000, 4)
    const rdd = sc
      .parallelize(data, 8)
      .map((x) => x * 2)
      .filter((x) => x % 3 !== 0)
      .flatMap((x) => [x, -x])
      .map((x) => x + 1)
    const expected = data
      .map((x) => x * 2)
      .filter((x) => x % 3 !== 0)
      .flatMap((x) => [x, -x])
      .map((x) => x + 1)

    expect(await rdd.collect()).toEqual(expected)
    expect(rdd.toDebugString()).not.toContain('+-')
  })
})

describe('mapPartitions and mapPartitionsWithIndex', () => {
  it.each(PARTITIONS)('mapPartitions sees each slice as one iterator on %i partitions', async (p) => {
    const data = randomInts(101, 0, 100, 5)
    const sumAndSize = (values: IterableIterator<number>) => {
      let sum = 0
      let size = 0
      for (const value of values) {
        sum += value
        size++
      }
      return [[sum, size]]
    }

    expect(await sc.parallelize(data, p).mapPartitions(sumAndSize).collect()).toEqual(
      slices(data, p).map((slice) => [slice.reduce((a, b) => a + b, 0), slice.length]),
    )
  })

  it.each(PARTITIONS)('mapPartitionsWithIndex passes each partition its index on %i partitions', async (p) => {
    const data = randomInts(50, 0, 9, 6)
    const tagged = sc.parallelize(data, p).mapPartitionsWithIndex(function* (index, values) {
      for (const value of values) yield [index, value] as [number, number]
    })

    expect(await tagged.collect()).toEqual(slices(data, p).flatMap((slice, index) => slice.map((value) => [index, value])))
  })

  it('lets a generator stop early, and runs on empty partitions with an empty iterator', async () => {
    const firstTwo = sc.parallelize([1, 2, 3, 4, 5, 6, 7], 3).mapPartitionsWithIndex(function* (index, values) {
      let taken = 0
      for (const value of values) {
        if (taken++ === 2) return
        yield `${index}:${value}`
      }
    })
    const sizes = sc.parallelize([1, 2], 5).mapPartitions((values) => [Array.from(values).length])

    expect(await firstTwo.collect()).toEqual(['0:1', '0:2', '1:3', '1:4', '2:5', '2:6'])
    expect(await sizes.collect()).toEqual([0, 0, 1, 0, 1])
  })
})

describe('glom', () => {
  it('returns one array per partition, empty partitions included', async () => {
    expect(await sc.parallelize([1, 2, 3], 5).glom().collect()).toEqual([[], [1], [], [2], [3]])
    expect(await sc.parallelize([], 2).glom().collect()).toEqual([[], []])
  })
})

describe('distinct', () => {
  it.each(PARTITIONS)('keeps one of each value of every key kind on %i partitions', async (p) => {
    for (const kind of KEY_KINDS) {
      const keys = randomKeys(kind, 800, 60, 7)
      const result = await sc.parallelize(keys, p).distinct().collect()

      expect(sortedRecords(result)).toEqual(sortedRecords(distinct(keys)))
    }
  })

  it('keeps the partition count of its input unless told otherwise', () => {
    const rdd = sc.parallelize([1, 2, 2, 3], 3)

    expect(rdd.distinct().getNumPartitions()).toBe(3)
    expect(rdd.distinct(5).getNumPartitions()).toBe(5)
  })

  it('returns nothing for an RDD without partitions', async () => {
    expect(await sc.emptyRDD<number>().distinct().collect()).toEqual([])
  })
})

describe('union', () => {
  it.each(PARTITIONS)("concatenates both RDDs' partitions in order (%i partitions on the left)", async (p) => {
    const left = randomInts(40, 0, 9, 8)
    const right = randomInts(25, 10, 19, 9)
    const union = sc.parallelize(left, p).union(sc.parallelize(right, 2))

    expect(union.getNumPartitions()).toBe(p + 2)
    expect(await union.collect()).toEqual([...left, ...right])
    expect(await union.glom().collect()).toEqual([...slices(left, p), ...slices(right, 2)])
  })

  it('sc.union joins many RDDs, keeping duplicates and empty ones', async () => {
    const union = sc.union(sc.parallelize([1, 2], 2), sc.emptyRDD<number>(), sc.parallelize([2, 3], 1), sc.parallelize([1], 3))

    expect(union.getNumPartitions()).toBe(6)
    expect(await union.collect()).toEqual([1, 2, 2, 3, 1])
  })

  it('rejects a union of no RDDs', () => {
    expect(() => sc.union()).toThrow(/union needs at least one RDD/)
  })
})

describe('intersection and subtract', () => {
  it.each(PARTITIONS)('intersection keeps each value present on both sides once, for every key kind, on %i partitions', async (p) => {
    for (const kind of KEY_KINDS) {
      const left = randomKeys(kind, 300, 50, 10)
      const right = randomKeys(kind, 200, 80, 11)
      const inRight = containsKey(right)
      const result = await sc.parallelize(left, p).intersection(sc.parallelize(right, 2)).collect()

      expect(sortedRecords(result)).toEqual(sortedRecords(distinct(left.filter(inRight))))
    }
  })

  it.each(PARTITIONS)('subtract keeps every left value absent on the right, duplicates included, on %i partitions', async (p) => {
    for (const kind of KEY_KINDS) {
      const left = randomKeys(kind, 300, 50, 12)
      const right = randomKeys(kind, 30, 80, 13)
      const inRight = containsKey(right)
      const result = await sc.parallelize(left, p).subtract(sc.parallelize(right, 2)).collect()

      expect(sortedRecords(result)).toEqual(sortedRecords(left.filter((key) => !inRight(key))))
    }
  })

  it('take their partition count from the arguments as Spark does', () => {
    const left = sc.parallelize([1, 2, 3], 3)
    const right = sc.parallelize([2], 5)

    expect(left.intersection(right).getNumPartitions()).toBe(5)
    expect(left.intersection(right, 2).getNumPartitions()).toBe(2)
    expect(left.subtract(right).getNumPartitions()).toBe(3)
    expect(left.subtract(right, 4).getNumPartitions()).toBe(4)
  })
})

describe('cartesian', () => {
  it.each(PARTITIONS)('pairs every left record with every right record, partition by partition (%i left partitions)', async (p) => {
    const left = randomInts(12, 0, 50, 14)
    const right = ['x', 'y', 'z', 'w', 'v']
    const product = sc.parallelize(left, p).cartesian(sc.parallelize(right, 2))
    const expected = slices(left, p).flatMap((leftSlice) => slices(right, 2).flatMap((rightSlice) => leftSlice.flatMap((l) => rightSlice.map((r) => [l, r]))))

    expect(product.getNumPartitions()).toBe(p * 2)
    expect(await product.collect()).toEqual(expected)
    expect(await product.count()).toBe(left.length * right.length)
  })

  it('is empty when either side is empty', async () => {
    expect(await sc.parallelize([1, 2], 2).cartesian(sc.emptyRDD<string>()).collect()).toEqual([])
    expect(await sc.parallelize<number>([], 2).cartesian(sc.parallelize(['a'], 1)).collect()).toEqual([])
  })
})

describe('sample', () => {
  const data = Array.from({ length: 4000 }, (_, i) => i)

  it.each(PARTITIONS)('gives the same sample for the same seed, in order, on %i partitions', async (p) => {
    const rdd = sc.parallelize(data, p)
    const first = await rdd.sample(false, 0.3, 42).collect()
    const again = await rdd.sample(false, 0.3, 42).collect()
    const other = await rdd.sample(false, 0.3, 43).collect()

    expect(again).toEqual(first)
    expect(other).not.toEqual(first)
    // Without replacement a sample is a subsequence of the data.
    expect(first).toEqual([...new Set(first)].sort((a, b) => a - b))
    // 4000 · 0.3 = 1200, standard deviation ≈ 29: five of them either side.
    expect(first.length).toBeGreaterThan(1200 - 145)
    expect(first.length).toBeLessThan(1200 + 145)
  })

  it.each(PARTITIONS)('with replacement repeats elements, about fraction times each on average, on %i partitions', async (p) => {
    const rdd = sc.parallelize(data, p)
    const sample = await rdd.sample(true, 1.5, 7).collect()

    expect(await rdd.sample(true, 1.5, 7).collect()).toEqual(sample)
    // Poisson copies: consecutive and in order.
    expect([...sample].sort((a, b) => a - b)).toEqual(sample)
    expect(new Set(sample).size).toBeLessThan(sample.length)
    // 4000 · 1.5 = 6000, standard deviation ≈ 77.
    expect(sample.length).toBeGreaterThan(6000 - 400)
    expect(sample.length).toBeLessThan(6000 + 400)
  })

  it('draws its seed once, so every action on one sampled RDD sees the same sample', async () => {
    const sampled = sc.parallelize(data, 3).sample(false, 0.5)
    const first = await sampled.collect()

    expect(await sampled.collect()).toEqual(first)
    expect(await sampled.count()).toBe(first.length)
  })

  it('takes nothing at fraction 0 and everything at fraction 1 without replacement', async () => {
    const rdd = sc.parallelize(data, 3)

    expect(await rdd.sample(false, 0, 1).collect()).toEqual([])
    expect(await rdd.sample(true, 0, 1).collect()).toEqual([])
    expect(await rdd.sample(false, 1, 1).collect()).toEqual(data)
  })

  it('rejects a fraction out of bounds', () => {
    const rdd = sc.parallelize(data, 3)

    expect(() => rdd.sample(false, -0.1, 1)).toThrow(RangeError)
    expect(() => rdd.sample(false, 1.5, 1)).toThrow(/fraction must be between 0 and 1 when sampling without replacement, got 1.5/)
    expect(() => rdd.sample(true, -1, 1)).toThrow(/fraction must be at least 0 when sampling with replacement, got -1/)
    expect(() => rdd.sample(false, Number.NaN, 1)).toThrow(RangeError)
  })
})

describe('sortBy', () => {
  it.each(PARTITIONS)('sorts every key kind ascending and descending from %i partitions', async (p) => {
    for (const kind of KEY_KINDS) {
      const keys = randomKeys(kind, 700, 200, 15)
      const rdd = sc.parallelize(keys, p)
      const ascending = [...keys].sort(referenceCompare)

      expect(await rdd.sortBy((key) => key).collect()).toEqual(ascending)
      expect(await rdd.sortBy((key) => key, false).collect()).toEqual([...ascending].reverse())
    }
  })

  it.each([1, 2, 5, 8])('sorts into %i ordered ranges of partitions when asked', async (numPartitions) => {
    const data = randomInts(1500, -10_000, 10_000, 16)
    const sorted = sc.parallelize(data, 3).sortBy((x) => x, true, numPartitions)
    const parts = await sorted.glom().collect()

    expect(sorted.getNumPartitions()).toBe(numPartitions)
    expect(parts.flat()).toEqual([...data].sort((a, b) => a - b))
    for (let i = 1; i < parts.length; i++) {
      const before = parts.slice(0, i).flat()
      const after = parts.slice(i).flat()
      if (before.length > 0 && after.length > 0) expect(Math.max(...before)).toBeLessThanOrEqual(Math.min(...after))
    }
  })

  it('sorts by a derived key and keeps whole records', async () => {
    const words = ['pear', 'fig', 'banana', 'kiwi', 'apple', 'date', 'cherry']
    const rdd = sc.parallelize(words, 3)
    const byLengthThenWord = (word: string) => [word.length, word] as [number, string]

    expect(await rdd.sortBy(byLengthThenWord).collect()).toEqual(['fig', 'date', 'kiwi', 'pear', 'apple', 'banana', 'cherry'])
    expect(await rdd.sortBy(byLengthThenWord, false, 2).collect()).toEqual(['cherry', 'banana', 'apple', 'pear', 'kiwi', 'date', 'fig'])
  })

  it('sorts an RDD with empty partitions, and an RDD with none', async () => {
    expect(await sc.parallelize([3, 1, 2], 8).sortBy((x) => x, true, 8).collect()).toEqual([1, 2, 3])
    expect(await sc.parallelize<number>([], 3).sortBy((x) => x).collect()).toEqual([])
    expect(await sc.emptyRDD<number>().sortBy((x) => x).collect()).toEqual([])
  })
})

describe('repartition and coalesce', () => {
  it.each(PARTITIONS)('repartition from %i partitions gives the asked count with the same records, spread evenly', async (p) => {
    const data = randomInts(1000, 0, 10_000, 17)
    for (const n of [1, 2, 5, 11]) {
      const parts = await sc.parallelize(data, p).repartition(n).glom().collect()
      const sizes = parts.map((part) => part.length)

      expect(parts).toHaveLength(n)
      expect(sortedRecords(parts.flat())).toEqual(sortedRecords(data))
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(p)
    }
  })

  it.each(PARTITIONS)('coalesce from %i partitions merges adjacent partitions and keeps the order', async (p) => {
    const data = randomInts(200, 0, 100, 18)
    for (const n of [1, 2, 3, 8, 20]) {
      const coalesced = sc.parallelize(data, p).coalesce(n)
      const target = Math.min(n, p)
      const groups = Array.from({ length: target }, (_, i) =>
        slices(data, p)
          .slice(Math.floor((i * p) / target), Math.floor(((i + 1) * p) / target))
          .flat(),
      )

      expect(coalesced.getNumPartitions()).toBe(target)
      expect(await coalesced.collect()).toEqual(data)
      expect(await coalesced.glom().collect()).toEqual(groups)
    }
  })

  it('coalesce with shuffle can raise the partition count', async () => {
    const data = randomInts(100, 0, 100, 19)
    const wider = sc.parallelize(data, 2).coalesce(6, true)

    expect(wider.getNumPartitions()).toBe(6)
    expect(sortedRecords(await wider.collect())).toEqual(sortedRecords(data))
  })

  it('rejects a partition count that is not a positive integer', () => {
    const rdd = sc.parallelize([1, 2, 3], 2)

    expect(() => rdd.coalesce(0)).toThrow(/numPartitions must be a positive integer, got 0/)
    expect(() => rdd.repartition(0)).toThrow(/numPartitions must be a positive integer, got 0/)
    expect(() => rdd.repartition(2.5)).toThrow(/numPartitions must be a positive integer, got 2.5/)
  })
})

describe('keyBy and zipWithIndex', () => {
  it.each(PARTITIONS)('keyBy pairs each record with its key, in order, on %i partitions', async (p) => {
    const words = randomKeys('string', 300, 100, 20) as string[]
    const firstLetter = (word: string) => word.slice(0, 1)

    expect(await sc.parallelize(words, p).keyBy(firstLetter).collect()).toEqual(words.map((word) => [firstLetter(word), word]))
  })

  it.each(PARTITIONS)('zipWithIndex numbers records in RDD order across %i partitions', async (p) => {
    for (const n of [0, 2, 9, 500]) {
      const keys = randomKeys('tuple', n, 30, n)

      expect(await sc.parallelize(keys, p).zipWithIndex().collect()).toEqual(keys.map((key, i) => [key, i]))
    }
  })

  it('zipWithIndex after sortBy numbers records by rank', async () => {
    const words = ['d', 'b', 'a', 'c', 'f', 'e', 'g']

    expect(await sc.parallelize(words, 3).sortBy((w) => w, false, 2).zipWithIndex().collect()).toEqual(
      ['g', 'f', 'e', 'd', 'c', 'b', 'a'].map((w, i) => [w, i]),
    )
  })

  it('zipWithIndex counts past partitions emptied by a filter', async () => {
    const odd = sc.parallelize([2, 4, 6, 5, 8, 10, 9, 11], 4).filter((x) => x % 2 === 1)

    expect(await odd.zipWithIndex().collect()).toEqual([[5, 0], [9, 1], [11, 2]])
    expect(await odd.zipWithIndex().glom().collect()).toEqual([[], [[5, 0]], [], [[9, 1], [11, 2]]])
  })
})

describe('functions shipped with values', () => {
  it('reads captured values and broadcasts on the workers', async () => {
    const offset = 100
    const names = sc.broadcast(new Map([[1, 'one'], [2, 'two']]))
    const rdd = sc.parallelize([1, 2, 3], 2)

    expect(await rdd.map(capture({ offset }, (x) => x + offset)).collect()).toEqual([101, 102, 103])
    expect(await rdd.map(capture({ names }, (x) => names.value.get(x) ?? '?')).collect()).toEqual(['one', 'two', '?'])
  })

  it('ships broadcasts to functions in every stage: map side, reduce side, sampling and the final action', async () => {
    const b = sc.broadcast(10)
    const pairs = sc.parallelize<[string, number]>([['a', 1], ['b', 2], ['a', 3]], 2)

    expect(sortedRecords(await pairs.reduceByKey(capture({ b }, (x: number, y: number) => x + y + b.value)).collect())).toEqual(sortedRecords([['a', 14], ['b', 2]]))
    expect(await pairs.sortBy(capture({ b }, (pair: [string, number]) => pair[1] * b.value), false).collect()).toEqual([['a', 3], ['b', 2], ['a', 1]])
    expect(sortedRecords(await pairs.aggregateByKey(0, capture({ b }, (acc: number, v: number) => acc + v * b.value), (x, y) => x + y).collect())).toEqual(
      sortedRecords([['a', 40], ['b', 20]]),
    )
    expect(await pairs.values().takeOrdered(2, capture({ b }, (x: number, y: number) => (y - x) * b.value))).toEqual([3, 2])
    expect(sortedRecords(await pairs.join(pairs.mapValues(capture({ b }, (v: number) => v * b.value))).collect())).toEqual(
      sortedRecords([['a', [1, 10]], ['a', [1, 30]], ['a', [3, 10]], ['a', [3, 30]], ['b', [2, 20]]]),
    )
  })

  it('uses the same canonical key form on both sides of the comparison helpers', () => {
    // A guard on the test support itself: objects equal by value compare equal whatever the property order.
    expect(canonical({ a: 1, b: [2, '2'] })).toBe(canonical({ b: [2, '2'], a: 1 }))
    expect(canonical([1])).not.toBe(canonical(['1']))
  })
})
