import { type DuckDBConnection, DuckDBInstance, type DuckDBType } from '@duckdb/node-api'

import { IllegalStateError } from '../../common/errors.js'
import { duckdbTypeSql, quoteIdentifier, quoteString } from '../types/duckdb-types.js'
import type { StructType } from '../types/struct-type.js'
import { appendPartitions } from './append-partitions.js'
import type { EncodedPartition } from './encode-partition.js'
import { toJsValue } from './result-values.js'
import { sparkMacroStatements } from './spark-macros.js'

/** A query's answer: column names and DuckDB types, and the rows as arrays of plain JS values. */
export interface QueryResult {
  readonly names: readonly string[]
  readonly types: readonly DuckDBType[]
  readonly rows: readonly unknown[][]
}

/** Where a statement failed to parse, as DuckDB's parser reports it. */
export interface SyntaxErrorReport {
  readonly message: string
  readonly position: number | null
}

/**
 * A session's embedded DuckDB: one in-memory database and one connection,
 * set up to behave like Spark SQL (UTC timestamps, Spark's null ordering,
 * Spark's function names as macros). Every use goes through a queue, one
 * at a time, because a DuckDB connection runs one statement at a time;
 * a failed statement does not stop the ones queued after it.
 */
export class DuckDBEngine {
  readonly #instance: DuckDBInstance
  readonly #connection: DuckDBConnection
  #queue: Promise<unknown> = Promise.resolve()
  #closed = false

  private constructor(instance: DuckDBInstance, connection: DuckDBConnection) {
    this.#instance = instance
    this.#connection = connection
  }

  static async open(): Promise<DuckDBEngine> {
    const instance = await DuckDBInstance.create(':memory:')
    const connection = await instance.connect()
    // Timestamps are instants: JS Dates go in and come out as UTC, and TIMESTAMPTZ casts keep the instant.
    await connection.run("SET TimeZone = 'UTC'")
    // Spark sorts nulls first when ascending and last when descending.
    await connection.run("SET default_null_order = 'nulls_first_on_asc_last_on_desc'")
    for (const statement of sparkMacroStatements()) await connection.run(statement)
    return new DuckDBEngine(instance, connection)
  }

  get isClosed(): boolean {
    return this.#closed
  }

  /** Runs a statement and ignores its rows. */
  run(sql: string): Promise<void> {
    return this.#exclusive(async (connection) => {
      await connection.run(sql)
    })
  }

  /** Runs a query and reads its rows (at least `maxRows` of them when given, rows being read a chunk at a time). */
  query(sql: string, maxRows?: number): Promise<QueryResult> {
    return this.#exclusive(async (connection) => {
      const reader = maxRows === undefined ? await connection.runAndReadAll(sql) : await connection.streamAndReadUntil(sql, maxRows)
      const rows = reader.convertRows(toJsValue)
      return { names: reader.columnNames(), types: reader.columnTypes(), rows: maxRows === undefined ? rows : rows.slice(0, maxRows) }
    })
  }

  /** The column names and types a query would return, without running it. */
  describe(sql: string): Promise<{ names: string[]; types: DuckDBType[] }> {
    return this.#exclusive(async (connection) => {
      const prepared = await connection.prepare(sql)
      try {
        const names: string[] = []
        const types: DuckDBType[] = []
        for (let i = 0; i < prepared.columnCount; i++) {
          names.push(prepared.columnName(i))
          types.push(prepared.columnType(i))
        }
        return { names, types }
      } finally {
        prepared.destroySync()
      }
    })
  }

  /** Parses (without binding) a statement; reports the first syntax error and its offset, or null when it parses. */
  async syntaxError(sql: string): Promise<SyntaxErrorReport | null> {
    const result = await this.query(`SELECT json_serialize_sql(${quoteString(sql)})`)
    const report = JSON.parse(String(result.rows[0]?.[0] ?? '{}')) as { error?: boolean; error_message?: string; position?: string }
    if (report.error !== true) return null
    return { message: report.error_message ?? 'syntax error', position: report.position === undefined ? null : Number(report.position) }
  }

  /** Creates temporary table `name` with `schema`'s columns and appends the encoded partitions to it. */
  createTable(name: string, schema: StructType, partitions: readonly EncodedPartition[]): Promise<void> {
    return this.#exclusive(async (connection) => {
      const columns = schema.fields.map((field) => `${quoteIdentifier(field.name)} ${duckdbTypeSql(field.dataType)}`)
      await connection.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdentifier(name)} (${columns.join(', ')})`)
      const appender = await connection.createAppender(name, 'main', 'temp')
      try {
        appendPartitions(appender, schema, partitions)
      } finally {
        appender.closeSync()
      }
    })
  }

  /** Closes the connection and the database; later calls fail with IllegalStateError. Idempotent. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve()
    this.#closed = true
    return this.#queue.then(() => {
      this.#connection.closeSync()
      this.#instance.closeSync()
    })
  }

  #exclusive<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new IllegalStateError('This SparkSession was stopped and its DuckDB closed; create a new one with SparkSession.builder().getOrCreate()'))
    const result = this.#queue.then(() => work(this.#connection))
    this.#queue = result.catch(() => undefined)
    return result
  }
}
