import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { HashPartitioner, SparkConf, SparkContext } from '../../src/index.js'
import { randomPairs } from '../support/keys.js'
import * as reference from '../support/reference.js'
import { sortedRecords } from '../support/reference.js'

let sc: SparkContext

beforeAll(() => {
  sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('rdd-default-parallelism').set('spark.default.parallelism', '5'))
})

afterAll(async () => {
  await sc.stop()
})

function add(a: number, b: number): number {
  return a + b
}

describe('partition counts when spark.default.parallelism is set', () => {
  const pairs = randomPairs('string', 200, 30, 600)

  it('parallelize cuts into that many slices, and textFile asks for at most two', () => {
    expect(sc.defaultParallelism).toBe(5)
    expect(sc.parallelize([1, 2, 3]).getNumPartitions()).toBe(5)
  })

  it('keyed aggregations and joins of unpartitioned inputs hash into that many partitions', async () => {
    const rdd = sc.parallelize(pairs, 3)

    expect(rdd.reduceByKey(add).getNumPartitions()).toBe(5)
    expect(rdd.groupByKey().getNumPartitions()).toBe(5)
    expect(rdd.join(sc.parallelize(pairs, 8)).getNumPartitions()).toBe(5)
    expect(rdd.keys().intersection(sc.parallelize(['x'], 2)).getNumPartitions()).toBe(5)
    expect(sortedRecords(await rdd.reduceByKey(add).collect())).toEqual(sortedRecords(reference.reduceByKey(pairs, add)))
  })

  it('distinct, subtract, subtractByKey and sortByKey keep the partition count of their input, as in Spark', async () => {
    const rdd = sc.parallelize(pairs, 3)
    const keys = rdd.keys()

    expect(keys.distinct().getNumPartitions()).toBe(3)
    expect(keys.subtract(sc.parallelize(['x'], 2)).getNumPartitions()).toBe(3)
    expect(rdd.subtractByKey(sc.parallelize(pairs.slice(0, 5), 2)).getNumPartitions()).toBe(3)
    expect(rdd.sortByKey().getNumPartitions()).toBe(3)
    expect(sortedRecords(await keys.distinct().collect())).toEqual(sortedRecords(reference.distinct(pairs.map(([key]) => key))))
  })

  it("reuses an input's partitioner when it has at least that many partitions or is not ten times smaller than the largest input", () => {
    const wide = sc.parallelize(pairs, 3).partitionBy(8)
    const narrow = sc.parallelize(pairs, 3).partitionBy(2)

    expect(wide.reduceByKey(add).partitioner).toEqual(new HashPartitioner(8))
    expect(narrow.join(sc.parallelize(pairs, 3)).partitioner).toEqual(new HashPartitioner(2))
    expect(narrow.join(sc.parallelize(pairs, 30)).partitioner).toEqual(new HashPartitioner(5))
    expect(wide.join(sc.parallelize(pairs, 100)).partitioner).toEqual(new HashPartitioner(8))
  })
})
