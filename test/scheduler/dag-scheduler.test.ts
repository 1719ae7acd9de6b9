import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { SparkConf, SparkContext } from '../../src/index.js'

let sc: SparkContext

beforeAll(() => {
  sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('dag-scheduler'))
})

afterAll(async () => {
  await sc.stop()
})

describe('empty jobs', () => {
  it('count 0 every time when run 200 times in a row', async () => {
    const counts: number[] = []
    for (let i = 0; i < 200; i++) counts.push(await sc.parallelize([], 1).count())

    expect(counts).toEqual(new Array(200).fill(0))
  })

  it('collect nothing from an RDD with no partitions or only empty ones', async () => {
    expect(sc.emptyRDD().getNumPartitions()).toBe(0)
    await expect(sc.emptyRDD().collect()).resolves.toEqual([])
    await expect(sc.emptyRDD().count()).resolves.toBe(0)
    await expect(sc.parallelize([], 3).collect()).resolves.toEqual([])
    await expect(sc.parallelize([], 3).map((x: number) => [x, 1] as [number, number]).reduceByKey((a: number, b: number) => a + b).collect()).resolves.toEqual([])
  })
})
