import { describe, expect, it } from 'vitest'

import {
  type DataFrame, array_contains, asc, avg, coalesce, col, collect_list, collect_set, concat, concat_ws, count, countDistinct,
  current_timestamp, date_format, desc, element_at, explode, explode_outer, expr, functions, length, lit, lower, max, mean, min,
  nvl, size, split, sum, to_timestamp, trim, upper, when, window,
} from '../../src/index.js'
import { sparkSession } from './session-fixture.js'

const lines = (): DataFrame =>
  sparkSession().createDataFrame([
    { id: 1, line: ' Hello World ', n: 2, tag: null, at: new Date('2024-01-01T10:07:00Z') },
    { id: 2, line: 'a b a', n: 5, tag: 'x', at: new Date('2024-01-01T10:12:00Z') },
  ])

/** The value of `column` in row `id` (1 or 2). */
async function valueOf(df: DataFrame, column: Parameters<DataFrame['select']>[0], id = 1): Promise<unknown> {
  const [row] = await df.filter(col('id').eq(id)).select(column).collect()
  return Object.values(row!)[0]
}

describe('functions', () => {
  it('col, lit and expr; the functions namespace has them too', async () => {
    const df = lines()

    expect(await valueOf(df, col('n'))).toBe(2)
    expect(await valueOf(df, lit('k'))).toBe('k')
    expect(await valueOf(df, expr('n * 10'))).toBe(20)
    expect(await valueOf(df, functions.upper(functions.col('tag')), 2)).toBe('X')
  })

  it('string functions: split (a regex), lower, upper, trim, length, concat (null if any is), concat_ws', async () => {
    const df = lines()

    expect(await valueOf(df, split(col('line'), '\\s+'), 2)).toEqual(['a', 'b', 'a'])
    expect(await valueOf(df, lower(col('line')))).toBe(' hello world ')
    expect(await valueOf(df, upper('line'))).toBe(' HELLO WORLD ')
    expect(await valueOf(df, trim(col('line')))).toBe('Hello World')
    expect(await valueOf(df, length(col('line')))).toBe(13)
    expect(await valueOf(df, concat(col('n'), lit('-'), col('tag')), 2)).toBe('5-x')
    expect(await valueOf(df, concat(col('n'), col('tag')))).toBeNull()
    expect(await valueOf(df, concat_ws('-', col('n'), col('tag')))).toBe('2')
    expect(await valueOf(df, concat_ws('+', split(col('line'), ' ')), 2)).toBe('a+b+a')
  })

  it('explode makes one row per element in a column named col; explode_outer keeps empty arrays as null', async () => {
    const df = lines()

    expect(await df.filter(col('id').eq(2)).select(explode(split(col('line'), ' '))).collect()).toEqual([{ col: 'a' }, { col: 'b' }, { col: 'a' }])
    const words = df.select(col('id'), explode(split(trim(col('line')), ' ')).alias('word'))
    expect(await words.groupBy('word').count().orderBy(desc('count'), asc('word')).collect()).toEqual([
      { word: 'a', count: 2 }, { word: 'Hello', count: 1 }, { word: 'World', count: 1 }, { word: 'b', count: 1 },
    ])
    expect(await sparkSession().createDataFrame([{ xs: [] as number[] }], 'xs array<int>').select(explode_outer(col('xs'))).collect()).toEqual([{ col: null }])
  })

  it('array functions: size (-1 for null), element_at (1-based, negative from the end), array_contains', async () => {
    const df = lines().withColumn('parts', split(col('line'), ' '))

    expect(await valueOf(df, size(col('parts')), 2)).toBe(3)
    expect(await valueOf(df, size(col('tag')))).toBe(-1)
    expect(await valueOf(df, element_at(col('parts'), -1), 2)).toBe('a')
    expect(await valueOf(df, array_contains(col('parts'), 'b'), 2)).toBe(true)
  })

  it('aggregates: count, countDistinct, sum, avg, mean, min, max, collect_list, collect_set', async () => {
    const df = sparkSession().createDataFrame([{ k: 'a', v: 1 }, { k: 'a', v: 3 }, { k: 'a', v: 3 }, { k: 'b', v: null }])
    const [row] = await df.groupBy('k').agg(
      count('v'), count('*'), countDistinct('v'), sum('v'), avg('v'), mean('v'), min('v'), max('v'), collect_list('v'), collect_set('v'),
    ).filter("k = 'a'").collect()

    expect(row).toMatchObject({ 'count(v)': 3, 'count(1)': 3, 'count(DISTINCT v)': 2, 'sum(v)': 7, 'avg(v)': 7 / 3, 'min(v)': 1, 'max(v)': 3, 'collect_list(v)': [1, 3, 3] })
    expect((row!['collect_set(v)'] as number[]).sort()).toEqual([1, 3])
    expect(await df.groupBy('k').agg(collect_list('v')).filter("k = 'b'").collect()).toEqual([{ k: 'b', 'collect_list(v)': [] }])
  })

  it('when/otherwise, coalesce and nvl', async () => {
    const df = lines()
    const size = when(col('n').gt(3), 'big').when(col('n').gt(1), 'medium').otherwise('small')

    expect(await valueOf(df, size)).toBe('medium')
    expect(await valueOf(df, size, 2)).toBe('big')
    expect(await valueOf(df, when(col('n').gt(3), 1))).toBeNull()
    expect(await valueOf(df, coalesce(col('tag'), lit('none')))).toBe('none')
    expect(await valueOf(df, nvl(col('tag'), lit('none')), 2)).toBe('x')
  })

  it('time functions: current_timestamp, to_timestamp (with a Spark pattern), date_format', async () => {
    const df = lines()
    const now = (await valueOf(df, current_timestamp())) as Date

    expect(Math.abs(now.getTime() - Date.now())).toBeLessThan(60_000)
    expect(await valueOf(df, to_timestamp(lit('2024-03-04 05:06:07')))).toEqual(new Date('2024-03-04T05:06:07Z'))
    expect(await valueOf(df, to_timestamp(lit('04/03/2024'), 'dd/MM/yyyy'))).toEqual(new Date('2024-03-04T00:00:00Z'))
    expect(await valueOf(df, date_format(col('at'), 'yyyy-MM-dd HH:mm'))).toBe('2024-01-01 10:07')
  })

  it('window groups rows into tumbling windows named window, and sliding ones into each window they fall in', async () => {
    const df = lines()
    const tumbling = await df.groupBy(window(col('at'), '10 minutes')).agg(sum('n').alias('total')).orderBy('window').collect()
    const sliding = await df.groupBy(window(col('at'), '10 minutes', '5 minutes')).count().orderBy('window').collect()

    expect(tumbling).toEqual([
      { window: { start: new Date('2024-01-01T10:00:00Z'), end: new Date('2024-01-01T10:10:00Z') }, total: 2 },
      { window: { start: new Date('2024-01-01T10:10:00Z'), end: new Date('2024-01-01T10:20:00Z') }, total: 5 },
    ])
    expect(sliding.map((row) => [(row.window as { start: Date }).start.toISOString().slice(11, 16), row.count])).toEqual([
      ['10:00', 1], ['10:05', 2], ['10:10', 1],
    ])
  })
})

describe('Column', () => {
  it('alias, cast, and the comparisons eq, neq, gt, geq, lt, leq', async () => {
    const df = lines()

    expect(await df.select(col('n').alias('m')).columns()).toEqual(['m'])
    expect(await valueOf(df, col('n').cast('string'))).toBe('2')
    expect(await df.select(col('n').cast('double')).dtypes()).toEqual([['CAST(n AS DOUBLE)', 'double']])
    expect(await valueOf(df, col('n').eq(2))).toBe(true)
    expect(await valueOf(df, col('n').neq(2))).toBe(false)
    expect(await valueOf(df, col('n').gt(2))).toBe(false)
    expect(await valueOf(df, col('n').geq(2))).toBe(true)
    expect(await valueOf(df, col('n').lt(3))).toBe(true)
    expect(await valueOf(df, col('n').leq(1))).toBe(false)
  })

  it('and, or, not, isNull, isNotNull, like', async () => {
    const df = lines()

    expect(await valueOf(df, col('n').gt(1).and(col('tag').isNull()))).toBe(true)
    expect(await valueOf(df, col('n').gt(5).or(col('tag').isNotNull()))).toBe(false)
    expect(await valueOf(df, col('tag').isNull().not())).toBe(false)
    expect(await valueOf(df, col('line').like('%World%'))).toBe(true)
  })

  it('plus, minus, multiply, divide (fractional, as in Spark)', async () => {
    const df = lines()

    expect(await valueOf(df, col('n').plus(1))).toBe(3)
    expect(await valueOf(df, col('n').minus(col('id')))).toBe(1)
    expect(await valueOf(df, col('n').multiply(2.5))).toBe(5)
    expect(await valueOf(df, col('n').divide(4))).toBe(0.5)
  })

  it('desc and asc order a sort', async () => {
    const df = lines()

    expect((await df.orderBy(col('n').desc()).collect()).map((row) => row.id)).toEqual([2, 1])
    expect((await df.orderBy(col('n').asc()).collect()).map((row) => row.id)).toEqual([1, 2])
  })

  it('names columns as Spark does', async () => {
    const df = lines()
    const columns = await df.select(col('n').plus(1), col('n').gt(1), lower(col('line')), col('tag').isNull(), col('n').cast('string'), split(col('line'), ' ')).columns()
    const aggregates = await df.select(sum('n'), count('*'), countDistinct('n')).columns()

    expect(columns).toEqual(['(n + 1)', '(n > 1)', 'lower(line)', '(tag IS NULL)', 'CAST(n AS STRING)', 'split(line,  , -1)'])
    expect(aggregates).toEqual(['sum(n)', 'count(1)', 'count(DISTINCT n)'])
  })
})
