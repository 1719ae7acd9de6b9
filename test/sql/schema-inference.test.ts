import { describe, expect, it } from 'vitest'

import { AnalysisError, LongType, Row, StringType, StructField, StructType, TaskFailedError } from '../../src/index.js'
import { rejectionOf } from '../support/rejection.js'
import { sparkSession, stdoutOf } from './session-fixture.js'

describe('createDataFrame schema inference', () => {
  it('infers each JS type as API.md says, from an array', async () => {
    const spark = sparkSession()
    const df = spark.createDataFrame([
      { i: 1, d: 1.5, s: 'a', b: true, t: new Date(0), big: 2n, xs: ['x'], o: { a: 1, b: 'c' }, m: new Map([['k', 1]]), bytes: new Uint8Array([1]) },
    ])

    expect(await df.dtypes()).toEqual([
      ['i', 'bigint'], ['d', 'double'], ['s', 'string'], ['b', 'boolean'], ['t', 'timestamp'], ['big', 'bigint'],
      ['xs', 'array<string>'], ['o', 'struct<a:bigint,b:string>'], ['m', 'map<string,bigint>'], ['bytes', 'binary'],
    ])
  })

  it('infers from an RDD, merging the partitions: long and double make double, nulls take the other type', async () => {
    const spark = sparkSession()
    const rdd = spark.sparkContext.parallelize([{ n: 1, s: null }, { n: 2, s: null }, { n: 2.5, s: 'x' }, { n: 3, s: null }], 2)

    const df = spark.createDataFrame(rdd)

    expect(await df.dtypes()).toEqual([['n', 'double'], ['s', 'string']])
    expect(await df.collect()).toEqual([{ n: 1, s: null }, { n: 2, s: null }, { n: 2.5, s: 'x' }, { n: 3, s: null }])
  })

  it('takes the union of the rows’ fields, in order of first appearance, missing ones null', async () => {
    const df = sparkSession().createDataFrame([{ a: 1 }, { b: 'x', a: 2 }, Row({ c: true })])

    expect(await df.columns()).toEqual(['a', 'b', 'c'])
    expect(await df.collect()).toEqual([{ a: 1, b: null, c: null }, { a: 2, b: 'x', c: null }, { a: null, b: null, c: true }])
  })

  it('makes a column `value` of single values, and _1, _2 of arrays, as Spark’s toDF', async () => {
    const spark = sparkSession()

    expect(await spark.createDataFrame(spark.sparkContext.parallelize(['a', 'b'])).collect()).toEqual([{ value: 'a' }, { value: 'b' }])
    expect(await spark.createDataFrame([['a', 1], ['b', 2]]).collect()).toEqual([{ _1: 'a', _2: 1 }, { _1: 'b', _2: 2 }])
  })

  it('prints the inferred schema as Spark does', async () => {
    const df = sparkSession().createDataFrame([{ word: 'a', n: 1, tags: ['x'], at: new Date(0), point: { x: 1.5 } }])

    expect(await stdoutOf(() => df.printSchema())).toBe(
      [
        'root',
        ' |-- word: string (nullable = true)',
        ' |-- n: long (nullable = true)',
        ' |-- tags: array (nullable = true)',
        ' |    |-- element: string (containsNull = true)',
        ' |-- at: timestamp (nullable = true)',
        ' |-- point: struct (nullable = true)',
        ' |    |-- x: double (nullable = true)',
        '',
        '',
      ].join('\n'),
    )
  })

  it('uses a given schema, as a StructType or a DDL string, and column names for inferred types', async () => {
    const spark = sparkSession()
    const schema = new StructType([new StructField('word', StringType, false), new StructField('n', LongType)])

    const typed = spark.createDataFrame([{ word: 'a', n: 1 }], schema)
    const ddl = spark.createDataFrame([['a', 1]], 'word string, n int')
    const named = spark.createDataFrame([['a', 1]], ['word', 'n'])

    expect((await typed.schema()).treeString()).toBe('root\n |-- word: string (nullable = false)\n |-- n: long (nullable = true)\n')
    expect(await ddl.dtypes()).toEqual([['word', 'string'], ['n', 'int']])
    expect(await named.collect()).toEqual([{ word: 'a', n: 1 }])
  })

  it('rejects values that do not fit the given schema, naming the field', async () => {
    const spark = sparkSession()
    const error = await rejectionOf(spark.createDataFrame([{ n: 'x' }], 'n long').collect())

    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toBe('field n: bigint can not accept "x" (string); fix the value or declare the column with a matching type')
  })

  it('rejects columns mixing types, from workers as a TaskFailedError with the worker’s message', async () => {
    const spark = sparkSession()
    const error = await rejectionOf<TaskFailedError>(spark.createDataFrame(spark.sparkContext.parallelize([{ n: 1 }, { n: 'one' }], 1)).collect())

    expect(error).toBeInstanceOf(TaskFailedError)
    expect(error.workerMessage).toMatch(/Cannot merge the types bigint and string found in field n; make the values of a column one type, or give createDataFrame a schema/)
  })

  it('refuses to infer a schema from no rows, saying what to do', async () => {
    const spark = sparkSession()
    const error = await rejectionOf(spark.createDataFrame(spark.sparkContext.emptyRDD()).collect())

    expect(error).toBeInstanceOf(AnalysisError)
    expect(error.message).toMatch(/Cannot infer a schema from an empty dataset.*Give createDataFrame a schema.*rdd.isEmpty\(\)/)
    expect(await spark.createDataFrame(spark.sparkContext.emptyRDD(), 'word string').count()).toBe(0)
  })
})

describe('values coming back', () => {
  it('are plain JS: numbers, bigint only beyond 2^53, Date, arrays, objects, Maps', async () => {
    const spark = sparkSession()
    const at = new Date('2024-05-06T07:08:09.123Z')
    const [row] = await spark
      .createDataFrame([{ safe: 2 ** 53 - 1, big: 2n ** 60n, at, xs: [1, 2], o: { a: 'b' }, m: new Map([['k', 1.5]]) }])
      .collect()

    expect(row).toEqual({ safe: 2 ** 53 - 1, big: 2n ** 60n, at, xs: [1, 2], o: { a: 'b' }, m: new Map([['k', 1.5]]) })
    expect(typeof row!.safe).toBe('number')
  })

  it('convert DuckDB’s wide integers and decimals from SQL', async () => {
    const [row] = await sparkSession().sql('select sum(x) as total, 9007199254740993::bigint as big, 1.25 as dec, count(*) as n from range(3) t(x)').collect()

    expect(row).toEqual({ total: 3, big: 9007199254740993n, dec: 1.25, n: 3 })
  })

  it('round-trip long and unicode strings through the columnar path', async () => {
    const words = ['short', 'exactly12byt', 'a string longer than twelve bytes', 'héllo', 'ééééééé', '日本語のテキスト', '']
    const spark = sparkSession()
    const rows = await spark.createDataFrame(spark.sparkContext.parallelize(words.map((word) => ({ word })), 3)).collect()

    expect(rows.map((row) => row.word)).toEqual(words)
  })

  it('keep the rows of many data chunks in order', async () => {
    const spark = sparkSession()
    const rows = Array.from({ length: 5000 }, (_, i) => ({ i, s: i % 7 === 0 ? null : `w${i}` }))
    const back = await spark.createDataFrame(spark.sparkContext.parallelize(rows, 2)).collect()

    expect(back).toEqual(rows)
  })
})
