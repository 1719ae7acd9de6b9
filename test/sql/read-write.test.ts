import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, describe, expect, it } from 'vitest'

import { AnalysisError, LongType, StringType, StructType } from '../../src/index.js'
import { rejectionOf } from '../support/rejection.js'
import { sparkSession } from './session-fixture.js'

const directory = mkdtempSync(join(tmpdir(), 'sluice-sql-io-'))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

const people = () => sparkSession().createDataFrame([{ name: 'ann', age: 34 }, { name: 'bob, jr', age: null }], 'name string, age long')

/** The one part file Spark-style writing leaves in `dir`, beside `_SUCCESS`. */
function partFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.startsWith('part-')).sort()
}

describe('writing', () => {
  it('writes a directory with a part file and _SUCCESS, as Spark does', async () => {
    const out = join(directory, 'people-csv')
    await people().write.option('header', true).csv(out)

    expect(readdirSync(out).sort()).toEqual(['_SUCCESS', ...partFiles(out)])
    expect(partFiles(out)[0]).toMatch(/^part-00000-[0-9a-f-]{36}-c000\.csv$/)
    expect(readFileSync(join(out, partFiles(out)[0]!), 'utf8')).toBe('name,age\nann,34\n"bob, jr",\n')
  })

  it('refuses an existing path by default, and overwrites, appends or ignores as the mode says', async () => {
    const out = join(directory, 'modes')
    await people().write.json(out)

    const error = await rejectionOf(people().write.json(out))
    await people().write.mode('append').json(out)
    expect(partFiles(out)).toHaveLength(2)
    await people().write.mode('ignore').json(out)
    expect(partFiles(out)).toHaveLength(2)
    await people().write.mode('overwrite').json(out)

    expect(error).toBeInstanceOf(AnalysisError)
    expect(error.message).toBe(`[PATH_ALREADY_EXISTS] Path ${out} already exists. Set mode as "overwrite" to overwrite the existing path, or "append" to add to it`)
    expect(partFiles(out)).toHaveLength(1)
    expect(await sparkSession().read.json(out).count()).toBe(2)
  })

  it('writes text one line per row of a single string column', async () => {
    const out = join(directory, 'text')
    await sparkSession().createDataFrame(['first line', 'second']).write.text(out)

    expect(readFileSync(join(out, partFiles(out)[0]!), 'utf8')).toBe('first line\nsecond\n')
  })
})

describe('reading', () => {
  it('round-trips csv with a header and inferSchema, or all strings by default', async () => {
    const out = join(directory, 'round-csv')
    await people().write.format('csv').option('header', 'true').save(out)
    const spark = sparkSession()

    expect(await spark.read.option('header', true).option('inferSchema', true).csv(out).orderBy('name').collect()).toEqual([
      { name: 'ann', age: 34 },
      { name: 'bob, jr', age: null },
    ])
    expect(await spark.read.option('header', true).csv(out).dtypes()).toEqual([['name', 'string'], ['age', 'string']])
  })

  it('names the columns of a headerless csv _c0, _c1, and takes a schema and a separator', async () => {
    const file = join(directory, 'plain.csv')
    writeFileSync(file, 'a;1\nb;2\n')
    const spark = sparkSession()

    expect(await spark.read.option('sep', ';').csv(file).collect()).toEqual([{ _c0: 'a', _c1: '1' }, { _c0: 'b', _c1: '2' }])
    const typed = spark.read.schema(new StructType().add('letter', StringType).add('n', LongType)).option('delimiter', ';').csv(file)
    expect(await typed.collect()).toEqual([{ letter: 'a', n: 1 }, { letter: 'b', n: 2 }])
  })

  it('reads JSON lines with fields in alphabetical order, as Spark infers them, or a given schema', async () => {
    const file = join(directory, 'lines.json')
    writeFileSync(file, '{"b": 1, "a": "x", "nested": {"k": [1, 2]}}\n{"b": 2.5, "a": "y"}\n')
    const spark = sparkSession()

    const df = spark.read.json(file)
    expect(await df.columns()).toEqual(['a', 'b', 'nested'])
    expect(await df.collect()).toEqual([{ a: 'x', b: 1, nested: { k: [1, 2] } }, { a: 'y', b: 2.5, nested: null }])
    expect(await spark.read.schema('a string').json(file).collect()).toEqual([{ a: 'x' }, { a: 'y' }])
  })

  it('round-trips parquet with its types', async () => {
    const out = join(directory, 'round-parquet')
    const original = sparkSession().createDataFrame([{ word: 'a', n: 1, at: new Date('2024-01-01T00:00:00Z'), tags: ['x'] }])
    await original.write.parquet(out)

    const back = sparkSession().read.parquet(out)
    expect(await back.dtypes()).toEqual(await original.dtypes())
    expect(await back.collect()).toEqual(await original.collect())
    expect(await sparkSession().read.format('parquet').load(out).count()).toBe(1)
  })

  it('reads text one row per line in a column value, or a whole file with wholetext', async () => {
    const file = join(directory, 'poem.txt')
    writeFileSync(file, 'one\r\ntwo\n\nthree\n')
    const spark = sparkSession()

    expect(await spark.read.text(file).collect()).toEqual([{ value: 'one' }, { value: 'two' }, { value: '' }, { value: 'three' }])
    expect(await spark.read.option('wholetext', true).text(file).collect()).toEqual([{ value: 'one\r\ntwo\n\nthree\n' }])
  })

  it('fails at the first action with a missing path, naming it', async () => {
    const missing = join(directory, 'nope')
    const error = await rejectionOf(sparkSession().read.csv(missing).collect())

    expect(error).toBeInstanceOf(AnalysisError)
    expect(error.message).toBe(`Path does not exist: ${missing}; check the path given to spark.read`)
  })
})
