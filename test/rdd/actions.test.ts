import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { capture, SparkConf, SparkContext, UnsupportedOperationError } from '../../src/index.js'
import { KEY_KINDS, type Key, makeKey, randomInts, randomKeys, randomPairs } from '../support/keys.js'
import { SeededRandom } from '../support/random.js'
import * as reference from '../support/reference.js'
import { canonical, referenceCompare, slices, sortedRecords } from '../support/reference.js'
import { rejectionOf } from '../support/rejection.js'

const PARTITIONS = [1, 3, 8] as const

let sc: SparkContext
let scratch: string

beforeAll(() => {
  sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('rdd-actions'))
  scratch = mkdtempSync(join(tmpdir(), 'sluice-rdd-actions-'))
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

describe('count, first and take', () => {
  it.each(PARTITIONS)('take(n) returns the first n records in partition order from %i partitions', async (p) => {
    const data = randomInts(300, -100, 100, 300)
    const rdd = sc.parallelize(data, p)

    for (const n of [0, 1, 2, 37, 299, 300, 301, 1000]) expect(await rdd.take(n)).toEqual(data.slice(0, n))
    expect(await rdd.first()).toBe(data[0])
    expect(await rdd.count()).toBe(300)
  })

  it.each(PARTITIONS)('take scans on past empty partitions until it has enough (%i partitions)', async (p) => {
    // Only the last few records survive the filter, so most partitions contribute nothing.
    const data = Array.from({ length: 200 }, (_, i) => i)
    const sparse = sc.parallelize(data, p).filter((x) => x >= 195 || x === 3)

    expect(await sparse.take(1)).toEqual([3])
    expect(await sparse.take(4)).toEqual([3, 195, 196, 197])
    expect(await sparse.take(10)).toEqual([3, 195, 196, 197, 198, 199])
    expect(await sparse.first()).toBe(3)
    expect(await sc.parallelize(data, 8).filter((x) => x === 199).first()).toBe(199)
  })

  it('take computes only the partitions it needs', async () => {
    const computed = sc.longAccumulator('computed')
    const rdd = sc.parallelize(Array.from({ length: 800 }, (_, i) => i), 8).map(capture({ computed }, (x: number) => {
      computed.add(1)
      return x
    }))

    expect(await rdd.take(5)).toEqual([0, 1, 2, 3, 4])
    expect(computed.value).toBeLessThanOrEqual(100)
  })

  it('rejects a count of records that is not a whole number', async () => {
    const rdd = sc.parallelize([1, 2, 3], 2)

    await expect(rdd.take(-1)).rejects.toThrow(/take needs a whole number of elements, got -1/)
    await expect(rdd.take(1.5)).rejects.toThrow(RangeError)
    await expect(rdd.top(-2)).rejects.toThrow(/top needs a whole number of elements, got -2/)
  })

  it('first of an empty RDD fails with UnsupportedOperationError', async () => {
    for (const empty of [sc.emptyRDD<number>(), sc.parallelize<number>([], 4), sc.parallelize([1, 2], 3).filter((x) => x > 5)]) {
      const error = await rejectionOf(empty.first())

      expect(error).toBeInstanceOf(UnsupportedOperationError)
      expect(error.message).toMatch(/^first of an empty collection: .* has no elements/)
      expect(await empty.take(3)).toEqual([])
      expect(await empty.count()).toBe(0)
    }
  })
})

describe('takeOrdered, top, max and min', () => {
  it.each(PARTITIONS)('order every key kind as the documented key order does, from %i partitions', async (p) => {
    for (const kind of KEY_KINDS) {
      const keys = randomKeys(kind, 400, 150, 301)
      const rdd = sc.parallelize(keys, p)
      const ascending = [...keys].sort(referenceCompare)
      const descending = [...ascending].reverse()

      for (const n of [0, 1, 10, 400, 500]) {
        expect(await rdd.takeOrdered(n)).toEqual(ascending.slice(0, n))
        expect(await rdd.top(n)).toEqual(descending.slice(0, n))
      }
      expect(await rdd.min()).toEqual(ascending[0])
      expect(await rdd.max()).toEqual(descending[0])
    }
  })

  it.each(PARTITIONS)('use a given comparison on the workers and the driver alike (%i partitions)', async (p) => {
    const words = randomKeys('string', 300, 200, 302) as string[]
    const byLength = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)
    const rdd = sc.parallelize(words, p)
    const ascending = [...words].sort(byLength)

    expect(await rdd.takeOrdered(7, byLength)).toEqual(ascending.slice(0, 7))
    expect(await rdd.top(7, byLength)).toEqual([...ascending].reverse().slice(0, 7))
    expect(await rdd.max(byLength)).toEqual(ascending.at(-1))
    expect(await rdd.min(byLength)).toEqual(ascending[0])
  })

  it('keep duplicates, and return everything when n exceeds the count', async () => {
    const rdd = sc.parallelize([5, 1, 5, 3, 1, 5], 4)

    expect(await rdd.top(4)).toEqual([5, 5, 5, 3])
    expect(await rdd.takeOrdered(3)).toEqual([1, 1, 3])
    expect(await rdd.takeOrdered(10)).toEqual([1, 1, 3, 5, 5, 5])
  })

  it('max and min of an empty RDD fail with UnsupportedOperationError; top and takeOrdered are empty', async () => {
    const empty = sc.parallelize<number>([], 3)

    expect(await rejectionOf(empty.max())).toBeInstanceOf(UnsupportedOperationError)
    expect(await rejectionOf(sc.emptyRDD<number>().min())).toBeInstanceOf(UnsupportedOperationError)
    expect(await empty.top(2)).toEqual([])
    expect(await sc.emptyRDD<number>().takeOrdered(2)).toEqual([])
  })
})

describe('reduce, fold and aggregate', () => {
  it.each(PARTITIONS)('reduce combines every record once, skipping empty partitions (%i partitions)', async (p) => {
    const data = randomInts(500, -1000, 1000, 303)

    expect(await sc.parallelize(data, p).reduce(add)).toBe(data.reduce(add))
    expect(await sc.parallelize(data, p).reduce((a, b) => Math.max(a, b))).toBe(Math.max(...data))
    expect(await sc.parallelize([7, 8], p).reduce(add)).toBe(15)
    expect(await sc.parallelize([7], p).reduce(add)).toBe(7)
  })

  it('reduce of an empty RDD fails with UnsupportedOperationError', async () => {
    for (const empty of [sc.emptyRDD<number>(), sc.parallelize<number>([], 3)]) {
      const error = await rejectionOf(empty.reduce(add))

      expect(error).toBeInstanceOf(UnsupportedOperationError)
      expect(error.message).toMatch(/^reduce of an empty collection/)
    }
  })

  it('fold adds the zero value once per partition and once on the driver, as Spark does', async () => {
    expect(await sc.parallelize([1, 2, 3], 3).fold(10, add)).toBe(46)
    expect(await sc.parallelize([1, 2, 3], 1).fold(10, add)).toBe(26)
    expect(await sc.parallelize<number>([], 3).fold(10, add)).toBe(40)
    expect(await sc.emptyRDD<number>().fold(10, add)).toBe(10)
  })

  it.each(PARTITIONS)('fold and aggregate match the plain-JS fold with p + 1 zero values (%i partitions)', async (p) => {
    const data = randomInts(400, 0, 50, 304)
    const rdd = sc.parallelize(data, p)

    expect(await rdd.fold(0, add)).toBe(data.reduce(add))
    expect(await rdd.fold(5, add)).toBe(data.reduce(add) + 5 * (p + 1))
    expect(await rdd.aggregate(5, add, add)).toBe(data.reduce(add) + 5 * (p + 1))
    expect(
      await rdd.aggregate(
        [0, 0] as [number, number],
        (acc, x) => [acc[0] + x, acc[1] + 1] as [number, number],
        (a, b) => [a[0] + b[0], a[1] + b[1]] as [number, number],
      ),
    ).toEqual([data.reduce(add), data.length])
  })

  it('gives every partition its own copy of a mutable zero and leaves the caller\'s zero untouched', async () => {
    const zero: number[] = []
    const rdd = sc.parallelize([1, 2, 3, 4, 5, 6, 7], 3)
    const gathered = await rdd.aggregate(
      zero,
      (acc, x) => {
        acc.push(x)
        return acc
      },
      (a, b) => {
        a.push(...b)
        return a
      },
    )
    const nested = await rdd.map((x) => [x]).fold([] as number[], (a, b) => {
      a.push(...b)
      return a
    })

    expect(gathered.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(nested.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(zero).toEqual([])
  })
})

describe('sum, mean and the statistics of numbers', () => {
  it.each(PARTITIONS)('sum and mean match plain JS on %i partitions', async (p) => {
    const data = randomInts(999, -5000, 5000, 305)
    const rdd = sc.parallelize(data, p)
    const total = data.reduce(add)

    expect(await rdd.sum()).toBe(total)
    expect(await rdd.mean()).toBe(total / data.length)
  })

  it('sum of an empty RDD is 0 and its mean is NaN, as StatCounter says', async () => {
    expect(await sc.emptyRDD<number>().sum()).toBe(0)
    expect(await sc.parallelize<number>([], 3).sum()).toBe(0)
    expect(await sc.emptyRDD<number>().mean()).toBeNaN()
    expect(await sc.parallelize<number>([], 3).mean()).toBeNaN()
  })
})

describe('countByKey, countByValue and collectAsMap', () => {
  it.each(PARTITIONS)('count by key and by value for every key kind, looked up by value (%i partitions)', async (p) => {
    for (const kind of KEY_KINDS) {
      const pairs = randomPairs(kind, 500, 40, 306)
      const keys = pairs.map(([key]) => key)
      const byKey = await sc.parallelize(pairs, p).countByKey()
      const byValue = await sc.parallelize(keys, p).countByValue()
      const expected = reference.countBy(keys)
      const random = new SeededRandom(7)

      expect(byKey.size).toBe(expected.length)
      expect(byValue.size).toBe(expected.length)
      expect(sortedRecords([...byKey])).toEqual(sortedRecords(expected))
      expect(sortedRecords([...byValue])).toEqual(sortedRecords(expected))
      for (let i = 0; i < 40; i++) {
        // A fresh key object, its properties in an order of its own.
        const key = makeKey(kind, i, random)
        const count = expected.find(([k]) => canonical(k) === canonical(key))?.[1]

        expect(byKey.get(key)).toBe(count)
        expect(byValue.get(key)).toBe(count)
        expect(byKey.has(key)).toBe(count !== undefined)
      }
      expect(byKey.get(makeKey(kind, 1000, random))).toBeUndefined()
    }
  })

  it.each(PARTITIONS)('collectAsMap keeps the value that comes last in RDD order (%i partitions)', async (p) => {
    for (const kind of KEY_KINDS) {
      const pairs = randomPairs(kind, 300, 25, 307)
      const map = await sc.parallelize(pairs, p).collectAsMap()
      const random = new SeededRandom(8)

      expect(map.size).toBe(reference.distinct(pairs.map(([key]) => key)).length)
      for (let i = 0; i < 25; i++) {
        const key = makeKey(kind, i, random)
        const last = pairs.filter(([k]) => canonical(k) === canonical(key)).at(-1)

        expect(map.get(key)).toBe(last?.[1])
      }
    }
  })

  it('countByValue counts equal objects whatever their property order', async () => {
    const counts = await sc.parallelize([{ a: 1, b: 2 }, { b: 2, a: 1 }, { a: 2, b: 1 }, { a: 1, b: 2 }], 3).countByValue()

    expect(counts.size).toBe(2)
    expect(counts.get({ b: 2, a: 1 })).toBe(3)
    expect(counts.get({ a: 2, b: 1 })).toBe(1)
  })

  it('return empty Maps for an empty RDD', async () => {
    expect((await sc.emptyRDD<[string, number]>().countByKey()).size).toBe(0)
    expect((await sc.parallelize<string>([], 2).countByValue()).size).toBe(0)
    expect((await sc.emptyRDD<[string, number]>().collectAsMap()).size).toBe(0)
  })
})

describe('isEmpty', () => {
  it('tells empty RDDs from non-empty ones, wherever the records are', async () => {
    expect(await sc.emptyRDD<number>().isEmpty()).toBe(true)
    expect(await sc.parallelize<number>([], 5).isEmpty()).toBe(true)
    expect(await sc.parallelize([1, 2, 3], 3).filter((x) => x > 3).isEmpty()).toBe(true)
    expect(await sc.parallelize([1], 8).isEmpty()).toBe(false)
    expect(await sc.parallelize([1, 2, 3, 4, 5, 6, 7, 8], 8).filter((x) => x === 8).isEmpty()).toBe(false)
    expect(await sc.parallelize<[string, number]>([['a', 1]], 3).reduceByKey(add, 4).isEmpty()).toBe(false)
  })
})

describe('foreach and foreachPartition', () => {
  it.each(PARTITIONS)('foreach runs the function once per record on %i partitions', async (p) => {
    const data = randomInts(500, 0, 100, 308)
    const total = sc.longAccumulator('total')
    const calls = sc.longAccumulator('calls')

    await sc.parallelize(data, p).foreach(capture({ total, calls }, (x: number) => {
      total.add(x)
      calls.add(1)
    }))

    expect(total.value).toBe(data.reduce(add))
    expect(calls.value).toBe(500)
  })

  it.each(PARTITIONS)('foreachPartition runs the function once per partition, empty ones included (%i partitions)', async (p) => {
    const data = randomInts(5, 0, 100, 309)
    const partitions = sc.longAccumulator('partitions')
    const records = sc.longAccumulator('records')
    const sumOfSquares = sc.longAccumulator('sum of squared sizes')

    await sc.parallelize(data, p).foreachPartition(capture({ partitions, records, sumOfSquares }, (values: IterableIterator<number>) => {
      const size = Array.from(values).length
      partitions.add(1)
      records.add(size)
      sumOfSquares.add(size * size)
    }))

    expect(partitions.value).toBe(p)
    expect(records.value).toBe(5)
    expect(sumOfSquares.value).toBe(slices(data, p).reduce((sum, slice) => sum + slice.length ** 2, 0))
  })

  it('reads a broadcast value inside a captured function', async () => {
    const weights = sc.broadcast({ a: 1, b: 10, c: 100 } as Record<string, number>)
    const total = sc.longAccumulator('weighted')

    await sc.parallelize(['a', 'b', 'c', 'c', 'x'], 2).foreach(capture({ weights, total }, (letter: string) => total.add(weights.value[letter] ?? 0)))

    expect(total.value).toBe(211)
  })
})

describe('saveAsTextFile', () => {
  it.each(PARTITIONS)('writes one part file per partition and an empty _SUCCESS (%i partitions)', async (p) => {
    const lines = randomKeys('string', 20, 10, 310) as string[]
    const directory = join(scratch, `lines-${p}`)

    await sc.parallelize(lines, p).saveAsTextFile(directory)

    const parts = Array.from({ length: p }, (_, i) => `part-${String(i).padStart(5, '0')}`)
    expect(readdirSync(directory).sort()).toEqual(['_SUCCESS', ...parts])
    expect(readFileSync(join(directory, '_SUCCESS'), 'utf8')).toBe('')
    slices(lines, p).forEach((slice, i) => {
      expect(readFileSync(join(directory, parts[i] as string), 'utf8')).toBe(slice.map((line) => `${line}\n`).join(''))
    })
    expect(await sc.textFile(directory).collect()).toEqual(lines)
  })

  it('writes pairs as (a,b), nested pairs nested, other values as Spark prints them', async () => {
    const directory = join(scratch, 'records')
    const records: unknown[] = [['hello', 2], ['k', ['v', 1]], [1, 2, 3], { user: 'a', n: 1 }, 4.5, null, true, '']

    await sc.parallelize(records, 1).saveAsTextFile(directory)

    expect(readFileSync(join(directory, 'part-00000'), 'utf8')).toBe('(hello,2)\n(k,(v,1))\n[1, 2, 3]\n{"user":"a","n":1}\n4.5\nnull\ntrue\n\n')
  })

  it('writes empty part files for empty partitions', async () => {
    const directory = join(scratch, 'sparse')

    await sc.parallelize([1, 2], 4).saveAsTextFile(directory)

    expect(['part-00000', 'part-00001', 'part-00002', 'part-00003'].map((part) => readFileSync(join(directory, part), 'utf8'))).toEqual(['', '1\n', '', '2\n'])
  })

  it('writes only _SUCCESS for an RDD without partitions', async () => {
    const directory = join(scratch, 'none')

    await sc.emptyRDD<string>().saveAsTextFile(directory)

    expect(readdirSync(directory)).toEqual(['_SUCCESS'])
  })

  it('refuses a directory that already exists and leaves it as it was', async () => {
    const directory = join(scratch, 'twice')
    await sc.parallelize(['first'], 1).saveAsTextFile(directory)

    await expect(sc.parallelize(['second'], 1).saveAsTextFile(directory)).rejects.toThrow(/Output directory .*twice already exists/)
    expect(readFileSync(join(directory, 'part-00000'), 'utf8')).toBe('first\n')
    expect(existsSync(join(directory, 'part-00001'))).toBe(false)
  })
})

describe('actions on every key kind', () => {
  it.each(KEY_KINDS)('collect, count and distinct count agree with plain JS for %s records', async (kind) => {
    const keys: Key[] = randomKeys(kind, 200, 30, 311)
    const rdd = sc.parallelize(keys, 3)

    expect(await rdd.collect()).toEqual(keys)
    expect(await rdd.count()).toBe(200)
    expect(await rdd.distinct().count()).toBe(reference.distinct(keys).length)
  })
})
