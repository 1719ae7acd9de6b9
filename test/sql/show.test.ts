import { describe, expect, it } from 'vitest'

import { sparkSession, stdoutOf } from './session-fixture.js'

const words = () => sparkSession().createDataFrame([
  { word: 'hello', total: 2 },
  { word: 'a word that is far longer than twenty', total: 10 },
  { word: null, total: 1 },
])

describe('show', () => {
  it('prints Spark’s table: right-aligned cells, strings cut to 20 characters with ..., nulls as null, then an empty line', async () => {
    expect(await stdoutOf(() => words().show())).toBe(
      [
        '+--------------------+-----+',
        '|                word|total|',
        '+--------------------+-----+',
        '|               hello|    2|',
        '|a word that is fa...|   10|',
        '|                null|    1|',
        '+--------------------+-----+',
        '',
        '',
      ].join('\n'),
    )
  })

  it('with truncate false keeps whole cells and aligns them left', async () => {
    expect(await stdoutOf(() => words().show(20, false))).toBe(
      [
        '+-------------------------------------+-----+',
        '|word                                 |total|',
        '+-------------------------------------+-----+',
        '|hello                                |2    |',
        '|a word that is far longer than twenty|10   |',
        '|null                                 |1    |',
        '+-------------------------------------+-----+',
        '',
        '',
      ].join('\n'),
    )
  })

  it('says `only showing top N rows` when there are more, `row` for one', async () => {
    expect(await stdoutOf(() => words().show(2))).toBe(
      ['+--------------------+-----+', '|                word|total|', '+--------------------+-----+', '|               hello|    2|', '|a word that is fa...|   10|', '+--------------------+-----+', 'only showing top 2 rows', '', ''].join('\n'),
    )
    expect(await stdoutOf(() => words().show(1))).toBe(
      ['+-----+-----+', '| word|total|', '+-----+-----+', '|hello|    2|', '+-----+-----+', 'only showing top 1 row', '', ''].join('\n'),
    )
  })

  it('cuts to a given width, without an ellipsis below 4', async () => {
    const text = await words().select('word').showString(1, 3)

    // The header is never cut, as in Spark.
    expect(text).toBe('+----+\n|word|\n+----+\n| hel|\n+----+\nonly showing top 1 row\n')
    expect(await words().select('word').showString(1, 4)).toContain('|h...|')
  })

  it('pads columns to at least three characters and prints an empty result as header only', async () => {
    const empty = sparkSession().createDataFrame([{ a: 1 }]).filter('a > 5')

    expect(await empty.showString()).toBe('+---+\n|  a|\n+---+\n+---+\n')
  })

  it('prints values as Spark casts them to strings', async () => {
    const df = sparkSession().createDataFrame([
      { d: 1, big: 1e21, small: 0.0001, at: new Date('2024-01-02T03:04:05.000Z'), xs: [1, null], o: { a: 1, b: 'x' }, m: new Map([['k', true]]), flag: false },
    ], 'd double, big double, small double, at timestamp, xs array<bigint>, o struct<a:bigint,b:string>, m map<string,boolean>, flag boolean')

    expect(await df.showString()).toBe(
      [
        '+---+------+------+-------------------+---------+------+-----------+-----+',
        '|  d|   big| small|                 at|       xs|     o|          m| flag|',
        '+---+------+------+-------------------+---------+------+-----------+-----+',
        '|1.0|1.0E21|1.0E-4|2024-01-02 03:04:05|[1, null]|{1, x}|{k -> true}|false|',
        '+---+------+------+-------------------+---------+------+-----------+-----+',
        '',
      ].join('\n'),
    )
  })

  it('prints a timestamp’s fraction of a second without trailing zeros', async () => {
    const df = sparkSession().createDataFrame([{ at: new Date('2024-01-02T03:04:05.120Z') }])

    expect(await df.showString(20, false)).toContain('|2024-01-02 03:04:05.12|')
  })

  it('prints rows vertically, one block per record', async () => {
    const text = await sparkSession().createDataFrame([{ word: 'hi', n: 1 }, { word: 'there', n: 22 }]).showString(20, true, true)

    expect(text).toBe(['-RECORD 0-----', ' word | hi    ', ' n    | 1     ', '-RECORD 1-----', ' word | there ', ' n    | 22    ', ''].join('\n'))
  })

  it('counts East Asian wide characters as two columns, as Spark does', async () => {
    const text = await sparkSession().createDataFrame([{ w: '日本' }, { w: 'abcd' }]).showString()

    expect(text).toBe('+----+\n|   w|\n+----+\n|日本|\n|abcd|\n+----+\n')
  })
})

describe('explain', () => {
  it('prints the physical plan under Spark’s header', async () => {
    const text = await stdoutOf(() => words().groupBy('word').count().explain())

    expect(text).toMatch(/^== Physical Plan ==\n[^]*GROUP_BY[^]*\n\n$/)
  })

  it('prints the four sections of Spark’s extended explain', async () => {
    const text = await words().filter('total > 1').groupBy('word').count().explainString(true)

    expect(text).toMatch(/^== Parsed Logical Plan ==\nAggregate \[word\], \[word, count\]\n\+- Filter total > 1\n   \+- LocalRelation \[3 rows\]\n\n== Analyzed Logical Plan ==\nword: string, count: bigint\nAggregate/)
    expect(text).toMatch(/\n\n== Optimized Logical Plan ==\n[^]*\n\n== Physical Plan ==\n/)
  })
})

describe('cell formatting', () => {
  it('prints floats and decimals as Java and Spark do', async () => {
    const df = sparkSession().sql('select cast(0.1 as float) as f, cast(1.5 as decimal(5, 2)) as d, 12345678.0::double as big')

    expect(await df.showString()).toBe('+---+----+-----------+\n|  f|   d|        big|\n+---+----+-----------+\n|0.1|1.50|1.2345678E7|\n+---+----+-----------+\n')
  })
})
