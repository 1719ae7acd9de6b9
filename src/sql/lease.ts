import { type CompileContext, type TableInfo, compilePlan } from './plan/compile-plan.js'
import type { LogicalPlan, PlanOf } from './plan/logical-plan.js'
import { SqlText } from './parser/sql-text.js'
import type { SessionState } from './session-state.js'

/**
 * One action's hold on the session, from compiling its plan to reading
 * its rows: it compiles each plan node once, keeps the local-data tables
 * it reads from being dropped until it ends (`release`), and collects the
 * CREATE VIEW statements of the temp views it needs, to run them in the
 * same round trip as its own statement (a saving per streaming batch).
 */
export class Lease implements CompileContext {
  readonly #state: SessionState
  readonly #acquired: number[] = []
  /** CREATE VIEW statements waiting to run, with what to do once they have. */
  #deferred: { readonly statement: SqlText; readonly onCreated: () => void }[] = []
  readonly #compiled = new Map<LogicalPlan, Promise<SqlText>>()
  readonly #visiting = new Set<string>()

  constructor(state: SessionState) {
    this.#state = state
  }

  compile(plan: LogicalPlan): Promise<SqlText> {
    let compiled = this.#compiled.get(plan)
    if (compiled === undefined) {
      compiled = compilePlan(plan, this)
      this.#compiled.set(plan, compiled)
    }
    return compiled
  }

  async columns(plan: LogicalPlan): Promise<string[]> {
    return this.describe(await this.compile(plan))
  }

  async describe(text: SqlText): Promise<string[]> {
    await this.flush()
    return this.#state.describeText(text)
  }

  /** Queues a view's CREATE statement to run before this lease's next statement. */
  defer(statement: SqlText, onCreated: () => void): void {
    this.#deferred.push({ statement, onCreated })
  }

  /** Runs the queued CREATE VIEW statements now (a describe needs the views to exist). */
  async flush(): Promise<void> {
    if (this.#deferred.length === 0) return
    const engine = await this.#state.engine()
    await this.runWithViews(null, (statement) => engine.run(statement))
  }

  /**
   * Runs `text` (or only the queued CREATE VIEW statements, for null) in one
   * round trip: the views' statements first, separated by semicolons.
   * DuckDB runs them in order and answers with the last one's result.
   */
  async runWithViews<T>(text: SqlText | null, run: (statement: string) => Promise<T>): Promise<T> {
    const deferred = this.#deferred
    this.#deferred = []
    const statements = [...deferred.map((entry) => entry.statement), ...(text === null ? [] : [text])]
    if (deferred.length === 0) return text === null ? (undefined as T) : this.#state.runTranslated(text, run)
    let result: T
    try {
      result = await run(SqlText.join(statements, ';\n').text)
    } catch (error) {
      // DuckDB reports positions within the statement that failed: run them one at a time for an error that points
      // into the right one. Creating a view again is harmless (CREATE OR REPLACE), and nothing after the failure ran.
      const engine = await this.#state.engine()
      for (const entry of deferred) await this.#state.runTranslated(entry.statement, (statement) => engine.run(statement))
      if (text === null) throw error
      result = await this.#state.runTranslated(text, run)
    }
    for (const entry of deferred) entry.onCreated()
    return result
  }

  async sourceTable(plan: PlanOf<'LocalRelation'>): Promise<string> {
    const table = await this.#state.acquireSource(plan)
    this.#acquired.push(plan.id)
    return table
  }

  async ensureViews(names: Iterable<string>): Promise<void> {
    for (const name of names) await this.#state.ensureView(name, this, this.#visiting)
  }

  tables(): Promise<TableInfo[]> {
    return this.#state.tables()
  }

  release(): void {
    this.#state.releaseSources(this.#acquired)
    this.#acquired.length = 0
  }
}
