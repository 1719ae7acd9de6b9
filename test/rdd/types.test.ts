import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest'

import { type KeyMap, type RDD, SparkConf, SparkContext } from '../../src/index.js'

let sc: SparkContext

beforeAll(() => {
  sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('rdd-types'))
})

afterAll(async () => {
  await sc.stop()
})

// These tests are checked by `npm run typecheck`; at run time they only build RDDs, which runs no job.
describe('RDD types', () => {
  it('offers pair operations only on RDDs of [key, value] pairs', () => {
    const numbers = sc.parallelize([1, 2, 3])
    const pairs = sc.parallelize<[string, number]>([['a', 1]])
    const add = (a: number, b: number) => a + b
    const notRun = () => {
      // @ts-expect-error reduceByKey needs an RDD of pairs
      numbers.reduceByKey(add)
      // @ts-expect-error groupByKey needs an RDD of pairs
      numbers.groupByKey()
      // @ts-expect-error join needs an RDD of pairs on the left
      numbers.join(pairs)
      // @ts-expect-error join needs an RDD of pairs on the right
      pairs.join(numbers)
      // @ts-expect-error mapValues needs an RDD of pairs
      numbers.mapValues((v: number) => v)
      // @ts-expect-error sortByKey needs an RDD of pairs
      numbers.sortByKey()
      // @ts-expect-error countByKey needs an RDD of pairs
      void numbers.countByKey()
      // @ts-expect-error lookup needs an RDD of pairs
      void numbers.lookup(1)
      // @ts-expect-error sum needs an RDD of numbers
      void pairs.sum()
      // @ts-expect-error mean needs an RDD of numbers
      void sc.parallelize(['a']).mean()
      // @ts-expect-error union needs RDDs of the same type
      numbers.union(sc.parallelize(['a']))
    }

    expect(typeof notRun).toBe('function')
  })

  it('gives joins, groups and actions the element types Spark gives them', () => {
    const left = sc.parallelize<[string, number]>([['a', 1]])
    const right = sc.parallelize<[string, boolean]>([['a', true]])

    expectTypeOf(left.join(right)).toEqualTypeOf<RDD<[string, [number, boolean]]>>()
    expectTypeOf(left.leftOuterJoin(right)).toEqualTypeOf<RDD<[string, [number, boolean | null]]>>()
    expectTypeOf(left.rightOuterJoin(right)).toEqualTypeOf<RDD<[string, [number | null, boolean]]>>()
    expectTypeOf(left.fullOuterJoin(right)).toEqualTypeOf<RDD<[string, [number | null, boolean | null]]>>()
    expectTypeOf(left.cogroup(right)).toEqualTypeOf<RDD<[string, [number[], boolean[]]]>>()
    expectTypeOf(left.groupByKey()).toEqualTypeOf<RDD<[string, number[]]>>()
    expectTypeOf(left.subtractByKey(right)).toEqualTypeOf<RDD<[string, number]>>()
    expectTypeOf(left.keys()).toEqualTypeOf<RDD<string>>()
    expectTypeOf(left.values()).toEqualTypeOf<RDD<number>>()
    expectTypeOf(left.mapValues((v) => `${v}`)).toEqualTypeOf<RDD<[string, string]>>()
    expectTypeOf(left.aggregateByKey([] as number[], (acc, v) => [...acc, v], (a, b) => a.concat(b))).toEqualTypeOf<RDD<[string, number[]]>>()
    expectTypeOf(left.keyBy((pair) => pair[1])).toEqualTypeOf<RDD<[number, [string, number]]>>()
    expectTypeOf(left.zipWithIndex()).toEqualTypeOf<RDD<[[string, number], number]>>()
    expectTypeOf(left.glom()).toEqualTypeOf<RDD<[string, number][]>>()
    expectTypeOf(left.cartesian(right)).toEqualTypeOf<RDD<[[string, number], [string, boolean]]>>()
  })

  it('gives actions the result types Spark gives them', () => {
    const left = sc.parallelize<[string, number]>([['a', 1]])
    // Never called: calling would start jobs.
    const actions = () => ({
      collect: left.collect(),
      countByKey: left.countByKey(),
      collectAsMap: left.collectAsMap(),
      lookup: left.lookup('a'),
      sum: left.values().sum(),
      first: left.first(),
      top: left.top(2),
      aggregate: left.aggregate(0, (acc, [, v]) => acc + v, (a, b) => a + b),
    })
    type Results = ReturnType<typeof actions>

    expectTypeOf<Results['collect']>().toEqualTypeOf<Promise<[string, number][]>>()
    expectTypeOf<Results['countByKey']>().toEqualTypeOf<Promise<KeyMap<string, number>>>()
    expectTypeOf<Results['collectAsMap']>().toEqualTypeOf<Promise<KeyMap<string, number>>>()
    expectTypeOf<Results['lookup']>().toEqualTypeOf<Promise<number[]>>()
    expectTypeOf<Results['sum']>().toEqualTypeOf<Promise<number>>()
    expectTypeOf<Results['first']>().toEqualTypeOf<Promise<[string, number]>>()
    expectTypeOf<Results['top']>().toEqualTypeOf<Promise<[string, number][]>>()
    expectTypeOf<Results['aggregate']>().toEqualTypeOf<Promise<number>>()
    expect(typeof actions).toBe('function')
  })
})
