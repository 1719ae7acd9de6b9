import { IllegalStateError } from '../common/errors.js'
import { RDD } from '../rdd/index.js'
import type { SparkContext } from '../spark-context.js'
import { Catalog } from './catalog.js'
import { DataFrame } from './data-frame.js'
import { DataFrameReader } from './data-frame-reader.js'
import { planSqlStatement } from './plan-sql-statement.js'
import { planNode } from './plan/logical-plan.js'
import { RuntimeConfig } from './runtime-config.js'
import { SessionState } from './session-state.js'
import { SparkSessionBuilder } from './spark-session-builder.js'
import { parseSchema } from './types/parse-data-type.js'
import { StructType } from './types/struct-type.js'

/**
 * The entry point of the DataFrame and SQL API, as in Spark. There is one
 * session per SparkContext; `SparkSession.builder().getOrCreate()`
 * returns it (cheaply, so a `foreachRDD` body may call it every batch).
 * Its SQL engine is an embedded DuckDB, opened on the first action and
 * closed by `stop()`.
 *
 * @example
 * words.foreachRDD(async (rdd) => {
 *   const spark = SparkSession.builder().config(rdd.context.getConf()).getOrCreate()
 *   spark.createDataFrame(rdd.map((w) => ({ word: w }))).createOrReplaceTempView('words')
 *   await spark.sql('select word, count(*) as total from words group by word').show()
 * })
 */
export class SparkSession {
  static readonly #sessions = new WeakMap<SparkContext, SparkSession>()
  static #active: SparkSession | null = null

  readonly sparkContext: SparkContext
  readonly conf: RuntimeConfig
  readonly catalog: Catalog
  /** The session's machinery (Spark's `sessionState`); not for applications. */
  readonly sessionState: SessionState

  /** Use `SparkSession.builder().getOrCreate()`. */
  constructor(sparkContext: SparkContext, conf: RuntimeConfig) {
    this.sparkContext = sparkContext
    this.conf = conf
    this.sessionState = new SessionState(sparkContext, conf)
    this.catalog = new Catalog(this.sessionState)
  }

  static builder(): SparkSessionBuilder {
    return new SparkSessionBuilder((sc, settings) => SparkSession.#getOrCreate(sc, settings))
  }

  /** The session last returned by `getOrCreate()`, unless it was stopped. */
  static getActiveSession(): SparkSession | null {
    const active = SparkSession.#active
    return active === null || active.sessionState.isStopped || active.sparkContext.isStopped ? null : active
  }

  static #getOrCreate(sc: SparkContext, settings: ReadonlyMap<string, string>): SparkSession {
    let session = SparkSession.#sessions.get(sc)
    if (session === undefined || session.sessionState.isStopped) {
      if (SparkSession.#active !== null && SparkSession.#active.sparkContext.isStopped) void SparkSession.#active.sessionState.stop()
      session = new SparkSession(sc, new RuntimeConfig(sc.getConf()))
      SparkSession.#sessions.set(sc, session)
    }
    for (const [key, value] of settings) session.conf.set(key, value)
    SparkSession.#active = session
    return session
  }

  /** `spark.read.csv(path)`, `spark.read.format('json').load(path)`, ... */
  get read(): DataFrameReader {
    return new DataFrameReader(this)
  }

  /**
   * A DataFrame of the given rows: an RDD or an array of plain objects
   * (or arrays, as tuples, or single values, as a column `value`). The
   * schema is a StructType, a DDL string (`"word string, n long"`), or
   * column names for the inferred types; without one it is inferred from
   * the values (integers bigint, other numbers double, Date timestamp,
   * arrays array<...>, objects struct<...>). Rows move into DuckDB when an
   * action first needs them.
   */
  createDataFrame(data: RDD<unknown> | readonly unknown[], schema?: StructType | string | readonly string[]): DataFrame {
    this.#assertRunning()
    if (!(data instanceof RDD) && !Array.isArray(data)) {
      throw new TypeError(`createDataFrame takes an RDD or an array of rows, got ${data === null ? 'null' : typeof data}`)
    }
    const parsed = typeof schema === 'string' ? parseSchema(schema) : schema instanceof StructType ? schema : null
    const columnNames = Array.isArray(schema) ? [...(schema as readonly string[])] : null
    const localData = data instanceof RDD ? { kind: 'rdd' as const, rdd: data } : { kind: 'rows' as const, rows: [...(data as readonly unknown[])] }
    return new DataFrame(this, planNode({ kind: 'LocalRelation', data: localData, schema: parsed, columnNames }))
  }

  /**
   * A DataFrame of a Spark SQL query over the temp views and tables. The
   * query runs (and is checked) at the first action: an unknown table or
   * column rejects it with AnalysisError, bad syntax with ParseError,
   * naming the line and position. Statements such as CREATE or INSERT run
   * at once. `SHOW TABLES` works, as do Spark's function names (`split`,
   * `explode`, `size`, `collect_list`, `window`, ...).
   */
  sql(query: string): DataFrame {
    this.#assertRunning()
    if (typeof query !== 'string') throw new TypeError(`sql() takes a query string, got ${typeof query}`)
    return new DataFrame(this, planSqlStatement(query, this.sessionState))
  }

  /** The temp view or table called `name`. */
  table(name: string): DataFrame {
    this.#assertRunning()
    return new DataFrame(this, planNode({ kind: 'UnresolvedRelation', name }))
  }

  /** A DataFrame of one bigint column `id` from `start` (or 0) up to `end`, exclusive. */
  range(start: number, end?: number, step = 1): DataFrame {
    this.#assertRunning()
    const [from, to] = end === undefined ? [0, start] : [start, end]
    if (![from, to, step].every(Number.isInteger) || step === 0) throw new RangeError(`range needs whole numbers and a step other than 0, got (${from}, ${to}, ${step})`)
    return new DataFrame(this, planNode({ kind: 'Range', start: from, end: to, step }))
  }

  /** Closes the session's DuckDB and stops the SparkContext, as Spark's `stop()` does. */
  async stop(): Promise<void> {
    if (SparkSession.#active === this) SparkSession.#active = null
    await this.sessionState.stop()
    await this.sparkContext.stop()
  }

  #assertRunning(): void {
    if (this.sessionState.isStopped) throw new IllegalStateError('Cannot use a stopped SparkSession; create a new one with SparkSession.builder().getOrCreate()')
    if (this.sparkContext.isStopped) {
      void this.sessionState.stop()
      throw new IllegalStateError('The SparkContext of this SparkSession was stopped; create a new session with SparkSession.builder().getOrCreate()')
    }
  }
}
