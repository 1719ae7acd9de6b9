import { readdir, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'

import { AnalysisError } from '../../common/errors.js'
import { javaToStrftime } from '../parser/java-date-format.js'
import { SqlText } from '../parser/sql-text.js'
import { duckdbTypeSql, quoteIdentifier, quoteString } from '../types/duckdb-types.js'
import type { StructType } from '../types/struct-type.js'
import type { CompileContext } from './compile-plan.js'
import type { PlanOf } from './logical-plan.js'

/**
 * `spark.read` as a DuckDB table function, with Spark's defaults: CSV
 * without a header row, all columns strings unless `inferSchema`, columns
 * `_c0`, `_c1`, ... without a header; JSON one object per line (unless
 * `multiLine`), fields in alphabetical order as Spark infers them; text
 * one row per line in a column `value`. A directory means the files in it
 * (not those starting with `_` or `.`, such as `_SUCCESS`), as Spark
 * writes them.
 */
export async function compileFileScan(plan: PlanOf<'FileScan'>, context: CompileContext): Promise<SqlText> {
  const files = await resolveFiles(plan.paths)
  const list = `[${files.map(quoteString).join(', ')}]`
  const option = (name: string): string | undefined => plan.options.get(name.toLowerCase())
  switch (plan.format) {
    case 'csv':
      return csvScan(list, option, plan.schema)
    case 'json':
      return jsonScan(list, option, plan.schema, context)
    case 'parquet':
      return withSchema(new SqlText(`SELECT * FROM read_parquet(${list})`), plan.schema)
    case 'text':
      return textScan(list, option)
    default:
      throw new AnalysisError(`Unsupported data source format ${JSON.stringify(plan.format)}; use csv, json, parquet or text`)
  }
}

function csvScan(list: string, option: (name: string) => string | undefined, schema: StructType | null): SqlText {
  const header = option('header') === 'true'
  const args = [list, `header = ${header}`]
  const delimiter = option('sep') ?? option('delimiter')
  if (delimiter !== undefined) args.push(`delim = ${quoteString(delimiter)}`)
  const quote = option('quote')
  if (quote !== undefined) args.push(`quote = ${quoteString(quote)}`)
  const escape = option('escape')
  if (escape !== undefined) args.push(`escape = ${quoteString(escape)}`)
  const nullValue = option('nullValue')
  if (nullValue !== undefined) args.push(`nullstr = ${quoteString(nullValue)}`)
  const dateFormat = option('dateFormat')
  if (dateFormat !== undefined) args.push(`dateformat = ${quoteString(javaToStrftime(dateFormat, true))}`)
  const timestampFormat = option('timestampFormat')
  if (timestampFormat !== undefined) args.push(`timestampformat = ${quoteString(javaToStrftime(timestampFormat, true))}`)
  if (option('mode')?.toUpperCase() === 'DROPMALFORMED') args.push('ignore_errors = true')
  if (schema !== null) {
    args.push(`columns = ${columnsStruct(schema)}`, 'auto_detect = false')
    return new SqlText(`SELECT * FROM read_csv(${args.join(', ')})`)
  }
  if (option('inferSchema') !== 'true') args.push('all_varchar = true')
  const scan = `read_csv(${args.join(', ')})`
  // Spark names the columns of a headerless file _c0, _c1, ...; DuckDB names them column0, column1, ...
  return new SqlText(header ? `SELECT * FROM ${scan}` : `SELECT COLUMNS('^column(\\d+)$') AS '_c\\1' FROM ${scan}`)
}

async function jsonScan(list: string, option: (name: string) => string | undefined, schema: StructType | null, context: CompileContext): Promise<SqlText> {
  const args = [list, `format = ${option('multiLine') === 'true' ? "'auto'" : "'newline_delimited'"}`]
  if (option('mode')?.toUpperCase() === 'DROPMALFORMED') args.push('ignore_errors = true')
  if (schema !== null) {
    args.push(`columns = ${columnsStruct(schema)}`)
    return new SqlText(`SELECT * FROM read_json(${args.join(', ')})`)
  }
  const scan = new SqlText(`SELECT * FROM read_json(${args.join(', ')})`)
  const names = (await context.describe(scan)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return new SqlText(`SELECT ${names.map(quoteIdentifier).join(', ')} FROM read_json(${args.join(', ')})`)
}

function textScan(list: string, option: (name: string) => string | undefined): SqlText {
  if (option('wholetext') === 'true') return new SqlText(`SELECT content AS value FROM read_text(${list}) ORDER BY filename`)
  // One row per line; the line break that ends the last line does not start another.
  const lines = `string_split_regex(regexp_replace(content, '(\\r?\\n|\\r)$', ''), '\\r?\\n|\\r')`
  return new SqlText(`SELECT unnest(${lines}) AS value FROM (SELECT content FROM read_text(${list}) WHERE content != '' ORDER BY filename)`)
}

function withSchema(scan: SqlText, schema: StructType | null): SqlText {
  if (schema === null) return scan
  const items = schema.fields.map((field) => `CAST(${quoteIdentifier(field.name)} AS ${duckdbTypeSql(field.dataType)}) AS ${quoteIdentifier(field.name)}`)
  return new SqlText(`SELECT ${items.join(', ')} FROM (${scan.text})`)
}

function columnsStruct(schema: StructType): string {
  return `{${schema.fields.map((field) => `${quoteString(field.name)}: ${quoteString(duckdbTypeSql(field.dataType))}`).join(', ')}}`
}

/** Files for the given paths: a directory's visible files, globs as DuckDB expands them, plain files as they are. */
async function resolveFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = []
  for (const path of paths) {
    if (/[*?[]/.test(path)) {
      files.push(path)
      continue
    }
    const absolute = resolve(path)
    const info = await stat(absolute).catch(() => null)
    if (info === null) throw new AnalysisError(`Path does not exist: ${absolute}; check the path given to spark.read`)
    if (!info.isDirectory()) {
      files.push(absolute)
      continue
    }
    const entries = (await readdir(absolute, { withFileTypes: true })).filter((entry) => entry.isFile() && !/^[_.]/.test(entry.name))
    if (entries.length === 0) throw new AnalysisError(`No data files in ${absolute} (files starting with _ or . are skipped); write some first or check the path`)
    files.push(...entries.map((entry) => join(absolute, entry.name)).sort())
  }
  return files
}
