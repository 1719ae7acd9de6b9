import { DataFrame } from './data-frame.js'
import { planNode } from './plan/logical-plan.js'
import type { SparkSession } from './spark-session.js'
import { parseSchema } from './types/parse-data-type.js'
import type { StructType } from './types/struct-type.js'

/**
 * `spark.read`: a DataFrame over files (a path, a directory of part files,
 * or a glob) in csv, json, parquet or text, with Spark's options
 * (`header`, `sep`, `inferSchema`, `nullValue`, `multiLine`, `wholetext`,
 * `mode`, ...) and an optional schema. Nothing is read until an action.
 *
 * @example
 * const people = spark.read.option('header', true).schema('name string, age int').csv('people.csv')
 */
export class DataFrameReader {
  readonly #session: SparkSession
  #format = 'parquet'
  #schema: StructType | null = null
  readonly #options = new Map<string, string>()

  constructor(session: SparkSession) {
    this.#session = session
  }

  format(format: string): this {
    this.#format = format.toLowerCase()
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

  /** The columns to read, as a StructType or a DDL string such as "name string, age int". */
  schema(schema: StructType | string): this {
    this.#schema = typeof schema === 'string' ? parseSchema(schema) : schema
    return this
  }

  load(...paths: string[]): DataFrame {
    if (paths.length === 0) throw new RangeError('load() needs at least one path')
    const plan = planNode({ kind: 'FileScan', format: this.#format, paths, options: new Map(this.#options), schema: this.#schema })
    return new DataFrame(this.#session, plan)
  }

  csv(...paths: string[]): DataFrame {
    return this.format('csv').load(...paths)
  }

  json(...paths: string[]): DataFrame {
    return this.format('json').load(...paths)
  }

  parquet(...paths: string[]): DataFrame {
    return this.format('parquet').load(...paths)
  }

  /** One row per line, in a string column `value` (or one row per file with option wholetext). */
  text(...paths: string[]): DataFrame {
    return this.format('text').load(...paths)
  }
}
