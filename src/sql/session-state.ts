import { AnalysisError, IllegalStateError } from '../common/errors.js'
import { logger } from '../common/logger.js'
import type { SparkContext } from '../spark-context.js'
import { DuckDBEngine, type QueryResult } from './bridge/duckdb-engine.js'
import { loadLocalData } from './bridge/load-local-data.js'
import { Lease } from './lease.js'
import type { TableInfo } from './plan/compile-plan.js'
import { type LogicalPlan, type PlanOf, localRelationsOf } from './plan/logical-plan.js'
import { type SqlText, sql } from './parser/sql-text.js'
import { RuntimeConfig } from './runtime-config.js'
import { SourceTables } from './source-tables.js'
import { type ErrorContext, translateError } from './translate-error.js'
import { quoteIdentifier, quoteString } from './types/duckdb-types.js'

interface TempView {
  readonly name: string
  readonly plan: LogicalPlan
  /** Whether DuckDB's view of it has been created (for this plan: a replaced view is a new TempView). */
  created: boolean
}

/**
 * Everything a SparkSession holds behind its API (Spark's SessionState):
 * the DuckDB engine (opened on first use), the temp views, the tables of
 * local data, and how a plan is compiled and run. DataFrames reach it
 * through their session; applications do not use it.
 */
export class SessionState {
  readonly sparkContext: SparkContext
  readonly conf: RuntimeConfig
  readonly #views = new Map<string, TempView>()
  readonly #sources: SourceTables
  readonly #pendingCommands = new Set<Promise<void>>()
  #lastCommand: Promise<void> = Promise.resolve()
  #engine: Promise<DuckDBEngine> | null = null
  #stopped = false

  constructor(sparkContext: SparkContext, conf: RuntimeConfig) {
    this.sparkContext = sparkContext
    this.conf = conf
    this.#sources = new SourceTables(
      async (plan, table) => loadLocalData(plan, table, await this.engine()),
      async (table) => (await this.engine()).run(`DROP TABLE IF EXISTS ${quoteIdentifier(table)}`),
    )
  }

  get isStopped(): boolean {
    return this.#stopped
  }

  /** The session's DuckDB, opened (with Spark's macros) on first use. */
  engine(): Promise<DuckDBEngine> {
    if (this.#stopped) return Promise.reject(new IllegalStateError('This SparkSession was stopped; create a new one with SparkSession.builder().getOrCreate()'))
    this.#engine ??= DuckDBEngine.open()
    return this.#engine
  }

  // ---- temp views ----

  /** Registers `plan` as temp view `name`; refuses an existing name unless `replace`. */
  registerView(name: string, plan: LogicalPlan, replace: boolean): void {
    const key = name.toLowerCase()
    if (!replace && this.#views.has(key)) {
      throw new AnalysisError(`[TEMP_TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create the temporary view \`${name}\` because it already exists; use createOrReplaceTempView to replace it, or pick another name`)
    }
    const previous = this.#views.get(key)
    this.#views.set(key, { name, plan, created: false })
    // The replaced view's tables are dropped when the next action ends, off the path of the batch that replaced it.
    if (previous !== undefined) this.#sources.unpin(key)
  }

  /** Drops temp view `name`; true if there was one. */
  dropView(name: string): boolean {
    const key = name.toLowerCase()
    const view = this.#views.get(key)
    if (view === undefined) return false
    this.#views.delete(key)
    this.#sources.unpin(key)
    if (this.#engine !== null) {
      void this.#engine
        .then((engine) => engine.run(`DROP VIEW IF EXISTS ${quoteIdentifier(view.name)}`))
        .then(() => this.#sources.evict())
        .catch((error: unknown) => logger.debug('SparkSession', `Could not drop view ${view.name}: ${String(error)}`))
    }
    return true
  }

  hasView(name: string): boolean {
    return this.#views.has(name.toLowerCase())
  }

  /** Tables and views: the registered temp views, and what DuckDB holds that the user created with SQL. */
  async tables(): Promise<TableInfo[]> {
    const found: TableInfo[] = [...this.#views.values()].map((view) => ({ name: view.name, namespace: '', isTemporary: true, tableType: 'TEMPORARY' }))
    if (this.#engine === null) return found
    const result = await (await this.engine()).query(
      'SELECT table_name, temporary, false FROM duckdb_tables() WHERE NOT internal UNION ALL SELECT view_name, temporary, true FROM duckdb_views() WHERE NOT internal',
    )
    for (const [name, temporary, isView] of result.rows as [string, boolean, boolean][]) {
      if (name.startsWith('__sluice_') || this.#views.has(name.toLowerCase())) continue
      found.push({ name, namespace: temporary ? '' : 'default', isTemporary: temporary, tableType: temporary ? 'TEMPORARY' : isView ? 'VIEW' : 'MANAGED' })
    }
    return found
  }

  // ---- running plans ----

  /** Runs `plan` and returns its rows (the first `maxRows` when given). */
  async execute(plan: LogicalPlan, maxRows?: number): Promise<QueryResult> {
    if (plan.kind === 'SqlCommand') {
      await plan.done
      return { names: [], types: [], rows: [] }
    }
    return this.#withCompiled(plan, (text, engine, lease) => lease.runWithViews(text, (statement) => engine.query(statement, maxRows)))
  }

  /** The names and DuckDB types of `plan`'s columns, without running it. */
  async describe(plan: LogicalPlan): Promise<Pick<QueryResult, 'names' | 'types'>> {
    if (plan.kind === 'SqlCommand') {
      await plan.done
      return { names: [], types: [] }
    }
    return this.#withCompiled(plan, async (text, engine, lease) => {
      await lease.flush()
      return this.#describe(text, engine)
    })
  }

  /** The compiled SQL and DuckDB's EXPLAIN output (`logical_plan`, `logical_opt`, `physical_plan`) for `plan`. */
  async explain(plan: LogicalPlan, extended: boolean): Promise<{ sql: string; plans: Map<string, string> }> {
    return this.#withCompiled(plan, async (text, engine, lease) => {
      await lease.flush()
      if (extended) await engine.run("SET explain_output = 'all'")
      try {
        const result = await engine.query(`EXPLAIN ${text.text}`)
        return { sql: text.text, plans: new Map(result.rows.map(([key, value]) => [String(key), String(value)])) }
      } catch (error) {
        throw await translateError(error, text, this.#errorContext())
      } finally {
        if (extended) await engine.run("SET explain_output = 'physical_only'")
      }
    })
  }

  /** Writes `plan`'s rows to `file` with DuckDB's COPY and the given options (`FORMAT parquet`, ...). */
  async copyTo(plan: LogicalPlan, file: string, options: string): Promise<void> {
    await this.#withCompiled(plan, (text, engine, lease) => lease.runWithViews(sql`COPY (${text}) TO ${quoteString(file)} (${options})`, (statement) => engine.run(statement)))
  }

  /** Runs a statement that changes state (CREATE, INSERT, ...) after creating the temp views it names. */
  runStatement(text: SqlText, names: Iterable<string>): Promise<void> {
    // Statements run in the order spark.sql() was called, each after the one before has finished.
    const previous = this.#lastCommand
    const done = (async () => {
      await previous

      const lease = new Lease(this)
      try {
        await lease.ensureViews(names)
        const engine = await this.engine()
        await lease.runWithViews(text, (statement) => engine.run(statement))
      } finally {
        lease.release()
      }
    })()
    this.#lastCommand = done.catch(() => undefined)
    this.#pendingCommands.add(done)
    // The error reaches the user through the DataFrame's first action, not as an unhandled rejection.
    done.catch(() => undefined).finally(() => this.#pendingCommands.delete(done))
    return done
  }

  /**
   * Makes sure temp view `name`, if registered, exists in DuckDB before the
   * lease's statement runs: its CREATE VIEW is handed to the lease, which
   * runs it in the same round trip as its statement (or before a describe).
   * Two actions may both create a view; CREATE OR REPLACE makes that harmless.
   */
  async ensureView(name: string, lease: Lease, visiting: Set<string>): Promise<void> {
    const key = name.toLowerCase()
    const view = this.#views.get(key)
    if (view === undefined || view.created || visiting.has(key)) return
    visiting.add(key)
    const statement = sql`CREATE OR REPLACE TEMP VIEW ${quoteIdentifier(view.name)} AS ${await lease.compile(view.plan)}`
    lease.defer(statement, () => {
      if (this.#views.get(key) !== view) return
      view.created = true
      this.#sources.pin(key, localRelationsOf(view.plan).map((relation) => relation.id))
    })
  }

  /** Runs `statement` (raw SQL) with `run`, turning a DuckDB error into Spark's, pointing into `text`. */
  async runTranslated<T>(text: SqlText, run: (statement: string) => Promise<T>): Promise<T> {
    try {
      return await run(text.text)
    } catch (error) {
      throw await translateError(error, text, this.#errorContext())
    }
  }

  acquireSource(plan: PlanOf<'LocalRelation'>): Promise<string> {
    return this.#sources.acquire(plan)
  }

  releaseSources(planIds: readonly number[]): void {
    for (const id of planIds) this.#sources.release(id)
    void this.#sources.evict()
  }

  /** How many local-data tables DuckDB holds now (for tests of the streaming bridge). */
  get sourceTableCount(): number {
    return this.#sources.size
  }

  /** Closes DuckDB; the session cannot run queries afterwards. */
  async stop(): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    const engine = this.#engine
    this.#engine = null
    if (engine !== null) await (await engine.catch(() => null))?.close()
  }

  async describeText(text: SqlText): Promise<string[]> {
    return [...(await this.#describe(text, await this.engine())).names]
  }

  async #describe(text: SqlText, engine: DuckDBEngine): Promise<Pick<QueryResult, 'names' | 'types'>> {
    try {
      return await engine.describe(text.text)
    } catch (error) {
      throw await translateError(error, text, this.#errorContext())
    }
  }

  async #withCompiled<T>(plan: LogicalPlan, use: (text: SqlText, engine: DuckDBEngine, lease: Lease) => Promise<T>): Promise<T> {
    // Statements given to spark.sql() earlier run first, as they would in Spark, where they run at once.
    await Promise.allSettled([...this.#pendingCommands])
    const lease = new Lease(this)
    try {
      const text = await lease.compile(plan)
      return await use(text, await this.engine(), lease)
    } finally {
      lease.release()
    }
  }

  #errorContext(): ErrorContext {
    return {
      syntaxError: async (statement) => (await this.engine()).syntaxError(statement),
      tableNames: async () => (await this.tables()).map((table) => table.name),
    }
  }
}
