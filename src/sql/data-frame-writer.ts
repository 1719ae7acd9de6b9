import { randomUUID } from 'node:crypto'
import { mkdir, rm, stat, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'

import { AnalysisError } from '../common/errors.js'
import type { DataFrame } from './data-frame.js'
import { javaToStrftime } from './parser/java-date-format.js'
import { quoteString } from './types/duckdb-types.js'

/** Spark's save modes; `error` is the default. */
const SAVE_MODES = ['error', 'errorifexists', 'overwrite', 'append', 'ignore'] as const
type SaveMode = (typeof SAVE_MODES)[number]

const EXTENSIONS: Readonly<Record<string, string>> = { csv: 'csv', json: 'json', parquet: 'snappy.parquet', text: 'txt' }

/**
 * `df.write`: saves a DataFrame's rows as Spark does, into a directory
 * holding a `part-00000-<uuid>-c000.<format>` file and an empty `_SUCCESS`.
 * The mode decides what happens when the directory exists: `error` (the
 * default) refuses, `overwrite` replaces it, `append` adds a part file,
 * `ignore` does nothing.
 *
 * @example
 * await df.write.mode('overwrite').option('header', true).csv('out/words')
 */
export class DataFrameWriter {
  readonly #frame: DataFrame
  #mode: SaveMode = 'error'
  #format = 'parquet'
  readonly #options = new Map<string, string>()

  constructor(frame: DataFrame) {
    this.#frame = frame
  }

  mode(mode: string): this {
    const lower = mode.toLowerCase() as SaveMode
    if (!SAVE_MODES.includes(lower)) throw new RangeError(`Unknown save mode ${JSON.stringify(mode)}; use one of ${SAVE_MODES.join(', ')}`)
    this.#mode = lower
    return this
  }

  format(format: string): this {
    const lower = format.toLowerCase()
    if (EXTENSIONS[lower] === undefined) throw new RangeError(`Unsupported format ${JSON.stringify(format)}; use csv, json, parquet or text`)
    this.#format = lower
    return this
  }

  option(key: string, value: string | number | boolean): this {
    this.#options.set(key.toLowerCase(), String(value))
    return this
  }

  options(options: Readonly<Record<string, string | number | boolean>>): this {
    for (const [key, value] of Object.entries(options)) this.option(key, value)
    return this
  }

  csv(path: string): Promise<void> {
    return this.format('csv').save(path)
  }

  json(path: string): Promise<void> {
    return this.format('json').save(path)
  }

  parquet(path: string): Promise<void> {
    return this.format('parquet').save(path)
  }

  /** One line per row of a DataFrame with a single string column. */
  text(path: string): Promise<void> {
    return this.format('text').save(path)
  }

  async save(path: string): Promise<void> {
    const directory = resolve(path)
    const exists = (await stat(directory).catch(() => null)) !== null
    if (exists) {
      if (this.#mode === 'ignore') return
      if (this.#mode === 'error' || this.#mode === 'errorifexists') {
        throw new AnalysisError(`[PATH_ALREADY_EXISTS] Path ${directory} already exists. Set mode as "overwrite" to overwrite the existing path, or "append" to add to it`)
      }
      if (this.#mode === 'overwrite') await rm(directory, { recursive: true, force: true })
    }
    await mkdir(directory, { recursive: true })
    const compression = this.#options.get('compression')
    const gzip = compression === 'gzip' && this.#format !== 'parquet'
    const file = join(directory, `part-00000-${randomUUID()}-c000.${EXTENSIONS[this.#format]}${gzip ? '.gz' : ''}`)
    if (this.#format === 'text') await this.#writeText(file)
    else await this.#frame.sparkSession.sessionState.copyTo(this.#frame.logicalPlan, file, this.#copyOptions())
    await writeFile(join(directory, '_SUCCESS'), '')
  }

  #copyOptions(): string {
    const option = (name: string): string | undefined => this.#options.get(name.toLowerCase())
    const compression = option('compression')
    if (this.#format === 'parquet') return `FORMAT parquet, COMPRESSION ${compression === undefined || compression === 'none' ? 'snappy' : compression}`
    const options = [`FORMAT ${this.#format}`]
    if (compression === 'gzip') options.push("COMPRESSION 'gzip'")
    if (this.#format === 'json') return options.join(', ')
    options.push(`HEADER ${option('header') === 'true'}`)
    const delimiter = option('sep') ?? option('delimiter')
    if (delimiter !== undefined) options.push(`DELIMITER ${quoteString(delimiter)}`)
    const quote = option('quote')
    if (quote !== undefined) options.push(`QUOTE ${quoteString(quote)}`)
    const escape = option('escape')
    if (escape !== undefined) options.push(`ESCAPE ${quoteString(escape)}`)
    const nullValue = option('nullValue')
    if (nullValue !== undefined) options.push(`NULLSTR ${quoteString(nullValue)}`)
    const dateFormat = option('dateFormat')
    if (dateFormat !== undefined) options.push(`DATEFORMAT ${quoteString(javaToStrftime(dateFormat))}`)
    const timestampFormat = option('timestampFormat')
    if (timestampFormat !== undefined) options.push(`TIMESTAMPFORMAT ${quoteString(javaToStrftime(timestampFormat))}`)
    return options.join(', ')
  }

  /** Text has no quoting: each row's single string is a line, as Spark's text source writes it. */
  async #writeText(file: string): Promise<void> {
    const result = await this.#frame.sparkSession.sessionState.execute(this.#frame.logicalPlan)
    if (result.names.length !== 1) {
      throw new AnalysisError(`Text data source supports only a single column, and the DataFrame has ${result.names.length}: ${result.names.join(', ')}; select one string column first`)
    }
    await writeFile(file, result.rows.map((row) => `${row[0] === null ? '' : String(row[0])}\n`).join(''))
  }
}
