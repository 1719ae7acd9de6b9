import { describe, expect, it } from 'vitest'

import { AnalysisError } from '../../src/index.js'
import { rejectionOf, thrownBy } from '../support/rejection.js'
import { sparkSession, stdoutOf } from './session-fixture.js'

/** The single row of a query. */
async function one(query: string): Promise<Record<string, unknown>> {
  const rows = await sparkSession().sql(query).collect()
  expect(rows).toHaveLength(1)
  return rows[0]!
}

describe('spark.sql with Spark’s spellings', () => {
  it('split takes a regex; explode makes rows; size, element_at, concat_ws, nvl behave as in Spark', async () => {
    expect(await one("select split('a1b22c', '[0-9]+') as parts, size(split('a b', ' ')) as n, size(null) as none")).toEqual({ parts: ['a', 'b', 'c'], n: 2, none: -1 })
    expect(await sparkSession().sql("select explode(split('to be or', ' ')) as word").collect()).toEqual([{ word: 'to' }, { word: 'be' }, { word: 'or' }])
    expect(await sparkSession().sql("select explode(array(1, 2))").collect()).toEqual([{ col: 1 }, { col: 2 }])
    expect(await one("select element_at(array('a', 'b', 'c'), 2) as second, element_at(array('a', 'b', 'c'), -1) as last")).toEqual({ second: 'b', last: 'c' })
    expect(await one("select concat_ws('-', 'a', null, 'b') as a, concat_ws(',', array('x', 'y')) as b, nvl(null, 'd') as c, nvl2(1, 'y', 'n') as d")).toEqual({ a: 'a-b', b: 'x,y', c: 'd', d: 'y' })
  })

  it('collect_list and collect_set leave nulls out; count(*) is named count(1)', async () => {
    const spark = sparkSession()
    spark.createDataFrame([{ k: 'a', v: 1 }, { k: 'a', v: null }, { k: 'a', v: 1 }]).createOrReplaceTempView('kv')

    expect(await one('select collect_list(v) as list, collect_set(v) as set, count(*) from kv group by k')).toEqual({ list: [1, 1], set: [1], 'count(1)': 3 })
  })

  it('date_format and to_timestamp take Spark datetime patterns; current_timestamp works with and without parentheses', async () => {
    const row = await one("select date_format(timestamp '2024-03-04 05:06:07', 'dd/MM/yyyy HH:mm') as text, to_timestamp('04.03.2024', 'dd.MM.yyyy') as at, current_timestamp() as now, current_timestamp as now2")

    expect(row.text).toBe('04/03/2024 05:06')
    expect(row.at).toEqual(new Date('2024-03-04T00:00:00Z'))
    expect(Math.abs((row.now as Date).getTime() - Date.now())).toBeLessThan(60_000)
    expect(row.now2).toEqual(row.now)
  })

  it('window() groups by time window, as a struct with start and end', async () => {
    const spark = sparkSession()
    spark.createDataFrame([
      { at: new Date('2024-01-01T10:01:00Z'), word: 'a' },
      { at: new Date('2024-01-01T10:09:00Z'), word: 'a' },
      { at: new Date('2024-01-01T10:11:00Z'), word: 'b' },
    ]).createOrReplaceTempView('events')

    const rows = await spark.sql("select window.start, window.end, count(*) as n from (select window(at, '10 minutes'), word from events) group by window order by window.start").collect()

    expect(rows).toEqual([
      { start: new Date('2024-01-01T10:00:00Z'), end: new Date('2024-01-01T10:10:00Z'), n: 2 },
      { start: new Date('2024-01-01T10:10:00Z'), end: new Date('2024-01-01T10:20:00Z'), n: 1 },
    ])
    expect(await spark.sql("select window(at, '10 minutes') as w, count(*) as n from events group by window(at, '10 minutes')").count()).toBe(2)
  })

  it('reads Spark’s quoting: double-quoted strings, backquoted names, backslash escapes', async () => {
    expect(await one('select "it\\\'s" as `the text`, \'a\\tb\' as tab')).toEqual({ 'the text': "it's", tab: 'a\tb' })
  })

  it('LATERAL VIEW explode makes a row per element', async () => {
    const spark = sparkSession()
    spark.createDataFrame([{ line: 'x y' }]).createOrReplaceTempView('lines')

    const rows = await spark.sql("select word from lines lateral view explode(split(line, ' ')) t as word").collect()

    expect(rows.map((row) => row.word).sort()).toEqual(['x', 'y'])
  })
})

describe('temp views, tables and the catalog', () => {
  it('show tables lists tables, then temporary views, as Spark prints them', async () => {
    const spark = sparkSession()
    await spark.sql('create or replace table zeta_table as select 1 as x').collect()
    spark.createDataFrame([{ a: 1 }]).createOrReplaceTempView('alpha_view')

    const output = await stdoutOf(() => spark.sql("show tables like 'alpha*|zeta*'").show())

    expect(output).toBe(
      [
        '+---------+----------+-----------+',
        '|namespace| tableName|isTemporary|',
        '+---------+----------+-----------+',
        '|  default|zeta_table|      false|',
        '|         |alpha_view|       true|',
        '+---------+----------+-----------+',
        '',
        '',
      ].join('\n'),
    )
  })

  it('catalog.listTables() describes them as Spark’s catalog does; dropTempView removes one', async () => {
    const spark = sparkSession()
    spark.createDataFrame([{ a: 1 }]).createOrReplaceTempView('listed_view')

    const tables = await spark.catalog.listTables()

    expect(tables.find((table) => table.name === 'listed_view')).toEqual({ name: 'listed_view', catalog: null, namespace: [], description: null, tableType: 'TEMPORARY', isTemporary: true })
    expect(tables.find((table) => table.name === 'zeta_table')).toMatchObject({ catalog: 'spark_catalog', namespace: ['default'], tableType: 'MANAGED', isTemporary: false })
    expect(spark.catalog.dropTempView('listed_view')).toBe(true)
    expect(await spark.catalog.tableExists('listed_view')).toBe(false)
  })

  it('createTempView refuses a name that is taken; createOrReplaceTempView replaces it', async () => {
    const spark = sparkSession()
    spark.createDataFrame([{ v: 1 }]).createTempView('taken')

    const error = thrownBy(() => spark.createDataFrame([{ v: 2 }]).createTempView('taken'))
    spark.createDataFrame([{ v: 3 }]).createOrReplaceTempView('TAKEN')

    expect(error).toBeInstanceOf(AnalysisError)
    expect(error.message).toBe('[TEMP_TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create the temporary view `taken` because it already exists; use createOrReplaceTempView to replace it, or pick another name')
    expect(await spark.table('taken').collect()).toEqual([{ v: 3 }])
  })

  it('binds views to their DataFrames: a view over a view, a view made in SQL, spark.table', async () => {
    const spark = sparkSession()
    spark.createDataFrame([{ n: 1 }, { n: 2 }, { n: 3 }]).createOrReplaceTempView('numbers')
    spark.sql('select n * 10 as tens from numbers').createOrReplaceTempView('tens')
    await spark.sql('create or replace temporary view big as select tens from tens where tens > 10').collect()

    expect(await spark.table('big').orderBy('tens').collect()).toEqual([{ tens: 20 }, { tens: 30 }])
    expect((await spark.catalog.listTables()).some((table) => table.name === 'big' && table.isTemporary)).toBe(true)
  })

  it('runs statements at once, reporting their errors at the first action', async () => {
    const spark = sparkSession()
    spark.sql('create or replace table made (x int)')
    spark.sql('insert into made values (1), (2)')
    const failed = spark.sql('insert into no_such_table values (1)')

    expect(await spark.sql('select sum(x) as total from made').collect()).toEqual([{ total: 3 }])
    expect(await rejectionOf(failed.collect())).toBeInstanceOf(AnalysisError)
  })

  it('SET spark.* changes spark.conf', async () => {
    const spark = sparkSession()
    await spark.sql('SET spark.sql.shuffle.partitions=7').collect()

    expect(spark.conf.get('spark.sql.shuffle.partitions')).toBe('7')
  })
})
