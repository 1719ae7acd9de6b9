import { describe, expect, it } from 'vitest'

import { type DataFrame, capture, col, count, desc, lit, sum } from '../../src/index.js'
import { sparkSession } from './session-fixture.js'

const people = (): DataFrame =>
  sparkSession().createDataFrame([
    { name: 'ann', dept: 'eng', age: 34 },
    { name: 'bob', dept: 'eng', age: 28 },
    { name: 'cy', dept: 'ops', age: 41 },
    { name: 'dee', dept: null, age: 25 },
  ])

const sorted = (rows: Record<string, unknown>[], key = 'name') => [...rows].sort((a, b) => String(a[key]).localeCompare(String(b[key])))

describe('DataFrame transformations', () => {
  it('select takes names, "*", Columns and arrays of them', async () => {
    const df = people()

    expect(await df.select('name', col('age').plus(1).alias('next')).orderBy('name').limit(1).collect()).toEqual([{ name: 'ann', next: 35 }])
    expect(await df.select(['name']).count()).toBe(4)
    expect(await df.select('*').columns()).toEqual(['name', 'dept', 'age'])
  })

  it('selectExpr takes Spark SQL expressions', async () => {
    const rows = await people().selectExpr('upper(name) as name', 'age * 2 as double').orderBy('name').limit(2).collect()

    expect(rows).toEqual([{ name: 'ANN', double: 68 }, { name: 'BOB', double: 56 }])
  })

  it('filter and where take a Column or a SQL string', async () => {
    const df = people()

    expect(sorted(await df.filter(col('age').gt(30)).select('name').collect())).toEqual([{ name: 'ann' }, { name: 'cy' }])
    expect(await df.where("dept = 'ops'").select('name').collect()).toEqual([{ name: 'cy' }])
  })

  it('withColumn adds a column at the end, or replaces one where it stands', async () => {
    const df = people()

    expect(await df.withColumn('senior', col('age').geq(30)).columns()).toEqual(['name', 'dept', 'age', 'senior'])
    expect(await df.withColumn('AGE', col('age').multiply(10)).filter("name = 'ann'").collect()).toEqual([{ name: 'ann', dept: 'eng', AGE: 340 }])
  })

  it('withColumnRenamed renames, and ignores a name that is not a column', async () => {
    const df = people()

    expect(await df.withColumnRenamed('age', 'years').columns()).toEqual(['name', 'dept', 'years'])
    expect(await df.withColumnRenamed('nope', 'x').columns()).toEqual(['name', 'dept', 'age'])
  })

  it('drop leaves out columns and ignores unknown names', async () => {
    expect(await people().drop('dept', 'nope').columns()).toEqual(['name', 'age'])
  })

  it('groupBy with count, sum, avg, min, max and agg', async () => {
    const df = people()

    expect(await df.groupBy('dept').count().orderBy('dept').collect()).toEqual([{ dept: null, count: 1 }, { dept: 'eng', count: 2 }, { dept: 'ops', count: 1 }])
    expect(await df.groupBy('dept').sum('age').orderBy('dept').columns()).toEqual(['dept', 'sum(age)'])
    expect(await df.groupBy('dept').avg('age').filter("dept = 'eng'").collect()).toEqual([{ dept: 'eng', 'avg(age)': 31 }])
    expect(await df.groupBy().min('age').collect()).toEqual([{ 'min(age)': 25 }])
    expect(await df.groupBy('dept').max('age').filter("dept = 'ops'").collect()).toEqual([{ dept: 'ops', 'max(age)': 41 }])
    expect(await df.groupBy('dept').agg(count('*').alias('n'), sum('age'), 'max(age) as oldest').filter("dept = 'eng'").collect()).toEqual([
      { dept: 'eng', n: 2, 'sum(age)': 62, oldest: 34 },
    ])
    expect(await df.groupBy('dept').agg({ age: 'avg' }).filter("dept = 'eng'").collect()).toEqual([{ dept: 'eng', 'avg(age)': 31 }])
    expect(await df.agg({ age: 'max' }).collect()).toEqual([{ 'max(age)': 41 }])
  })

  it('orderBy and sort: names ascending, Columns by asc/desc, nulls first ascending and last descending as in Spark', async () => {
    const df = people()

    expect((await df.orderBy('dept', 'name').collect()).map((row) => row.name)).toEqual(['dee', 'ann', 'bob', 'cy'])
    expect((await df.sort(desc('dept'), col('age').asc()).collect()).map((row) => row.name)).toEqual(['cy', 'bob', 'ann', 'dee'])
  })

  it('limit, distinct and dropDuplicates', async () => {
    const df = people()

    expect(await df.limit(2).count()).toBe(2)
    expect(await df.select('dept').distinct().count()).toBe(3)
    expect(await df.union(df).distinct().count()).toBe(4)
    expect(await df.dropDuplicates().count()).toBe(4)
    expect(await df.dropDuplicates(['dept']).count()).toBe(3)
  })

  it('join on column names puts the keys first, once, as Spark does', async () => {
    const spark = sparkSession()
    const depts = spark.createDataFrame([{ dept: 'eng', floor: 3 }, { dept: 'sales', floor: 1 }])
    const df = people()

    expect(sorted(await df.join(depts, 'dept').collect())).toEqual([
      { dept: 'eng', name: 'ann', age: 34, floor: 3 },
      { dept: 'eng', name: 'bob', age: 28, floor: 3 },
    ])
    expect(await df.join(depts, ['dept'], 'left').count()).toBe(4)
    expect((await df.join(depts, 'dept', 'right').filter('name is null').collect())).toEqual([{ dept: 'sales', name: null, age: null, floor: 1 }])
    expect(await df.join(depts, 'dept', 'full_outer').count()).toBe(5)
    expect(sorted(await df.join(depts, 'dept', 'left_semi').collect())).toEqual([{ name: 'ann', dept: 'eng', age: 34 }, { name: 'bob', dept: 'eng', age: 28 }])
    expect((await df.join(depts, 'dept', 'left_anti').collect()).map((row) => row.name).sort()).toEqual(['cy', 'dee'])
  })

  it('join on a condition over each side’s col(), keeping both sides’ columns', async () => {
    const spark = sparkSession()
    const left = spark.createDataFrame([{ id: 1, v: 'a' }, { id: 2, v: 'b' }])
    const right = spark.createDataFrame([{ key: 2, w: 'x' }])

    expect(await left.join(right, left.col('id').eq(right.col('key'))).collect()).toEqual([{ id: 2, v: 'b', key: 2, w: 'x' }])
    expect(await left.crossJoin(right).count()).toBe(2)
  })

  it('union matches columns by position, unionByName by name', async () => {
    const spark = sparkSession()
    const a = spark.createDataFrame([{ x: 1, y: 'a' }])
    const b = spark.createDataFrame([{ y: 'b', x: 2 }])

    expect(await a.union(spark.createDataFrame([{ x: 3, y: 'c' }])).orderBy('x').collect()).toEqual([{ x: 1, y: 'a' }, { x: 3, y: 'c' }])
    expect(await a.unionByName(b).orderBy('x').collect()).toEqual([{ x: 1, y: 'a' }, { x: 2, y: 'b' }])
  })
})

describe('DataFrame actions', () => {
  it('collect, toArray, count, first, head and take', async () => {
    const df = people().orderBy('age')

    expect(await df.count()).toBe(4)
    expect((await df.toArray()).length).toBe(4)
    expect(await df.first()).toEqual({ name: 'dee', dept: null, age: 25 })
    expect(await df.head()).toEqual({ name: 'dee', dept: null, age: 25 })
    expect((await df.head(2)).map((row) => row.name)).toEqual(['dee', 'bob'])
    expect((await df.take(3)).map((row) => row.name)).toEqual(['dee', 'bob', 'ann'])
    expect(await df.filter('age > 100').first()).toBeNull()
  })

  it('schema, columns and dtypes describe the result without running it', async () => {
    const df = people().groupBy('dept').agg(count('*').alias('n'), sum('age'))

    expect(await df.columns()).toEqual(['dept', 'n', 'sum(age)'])
    expect(await df.dtypes()).toEqual([['dept', 'string'], ['n', 'bigint'], ['sum(age)', 'bigint']])
    expect((await df.schema()).treeString()).toBe('root\n |-- dept: string (nullable = true)\n |-- n: long (nullable = false)\n |-- sum(age): long (nullable = true)\n')
  })

  it('rdd gives the rows back to the engine as an RDD of objects', async () => {
    const df = people().select('name', lit(1).alias('one'))

    const names = await df.rdd.map((row) => row.name as string).collect()

    expect(names.sort()).toEqual(['ann', 'bob', 'cy', 'dee'])
    expect(await df.rdd.map((row) => row.one as number).reduce((a, b) => a + b)).toBe(4)
  })

  it('derives new DataFrames without changing the original', async () => {
    const df = people()
    df.filter('age > 30')

    expect(await df.count()).toBe(4)
  })

  it('loads an RDD once per DataFrame and reuses the table across actions', async () => {
    const spark = sparkSession()
    const loads = spark.sparkContext.longAccumulator('rows encoded')
    const rdd = spark.sparkContext.parallelize([1, 2, 3], 2).map(
      capture({ loads }, (n: number) => {
        loads.add(1)
        return { n }
      }),
    )
    const df = spark.createDataFrame(rdd)

    await df.count()
    await df.collect()

    expect(loads.value).toBe(3)
  })

  it('runs concurrent actions on one session, each with its own views and tables', async () => {
    const spark = sparkSession()
    const frames = Array.from({ length: 6 }, (_, i) => spark.createDataFrame(spark.sparkContext.parallelize(Array.from({ length: 10 + i }, (_, j) => ({ j })), 2)))
    frames.forEach((frame, i) => frame.createOrReplaceTempView(`concurrent_${i}`))

    const counts = await Promise.all(frames.map((_, i) => spark.sql(`select count(*) as n from concurrent_${i}`).collect()))

    expect(counts.map(([row]) => row!.n)).toEqual([10, 11, 12, 13, 14, 15])
  })
})
