import { SqlText, sql } from '../parser/sql-text.js'
import { quoteIdentifier } from '../types/duckdb-types.js'
import { compileProject, compileRenameColumn, compileDropColumns, compileWithColumn } from './compile-columns.js'
import { compileFileScan } from './compile-file-scan.js'
import { compileJoin } from './compile-join.js'
import { compileAggregate, compileDistinct, compileFilter, compileLimit, compileSort, compileUnion } from './compile-relational.js'
import { compileShowTables } from './compile-show-tables.js'
import type { LogicalPlan, PlanOf } from './logical-plan.js'

/** A table or view as `SHOW TABLES` and `catalog.listTables()` report it. */
export interface TableInfo {
  readonly name: string
  /** `default` for tables, empty for temporary views (as Spark's SHOW TABLES). */
  readonly namespace: string
  readonly isTemporary: boolean
  readonly tableType: 'TEMPORARY' | 'MANAGED' | 'VIEW'
}

/**
 * What compiling needs from the session: compiled children, column names
 * of a compiled plan (asked of DuckDB, without running it), local data
 * loaded into tables, temp views created in DuckDB. Each may touch DuckDB,
 * hence the Promises.
 */
export interface CompileContext {
  compile(plan: LogicalPlan): Promise<SqlText>
  columns(plan: LogicalPlan): Promise<string[]>
  /** The column names of compiled SQL. */
  describe(text: SqlText): Promise<string[]>
  sourceTable(plan: PlanOf<'LocalRelation'>): Promise<string>
  ensureViews(names: Iterable<string>): Promise<void>
  tables(): Promise<TableInfo[]>
}

/**
 * Compiles a plan to one DuckDB SELECT statement. Each node becomes a
 * query over its children as subqueries (`(child) AS "q7"`); DuckDB's
 * optimizer flattens them.
 */
export async function compilePlan(plan: LogicalPlan, context: CompileContext): Promise<SqlText> {
  switch (plan.kind) {
    case 'LocalRelation':
      return new SqlText(`SELECT * FROM ${quoteIdentifier(await context.sourceTable(plan))}`)
    case 'SqlQuery':
      await context.ensureViews(plan.sql.names)
      return SqlText.user(plan.sql)
    case 'SqlCommand':
      // A command (CREATE, INSERT, ...) already ran when spark.sql() was called; its DataFrame is empty.
      await plan.done
      return new SqlText('SELECT * FROM (SELECT NULL) WHERE FALSE')
    case 'ShowTables':
      return compileShowTables(plan, await context.tables())
    case 'UnresolvedRelation':
      await context.ensureViews([plan.name.toLowerCase()])
      return new SqlText(`SELECT * FROM ${plan.name.split('.').map(quoteIdentifier).join('.')}`)
    case 'Range':
      return new SqlText(`SELECT range AS id FROM range(${plan.start}, ${plan.end}, ${plan.step})`)
    case 'FileScan':
      return compileFileScan(plan, context)
    case 'Project':
      return compileProject(plan, context)
    case 'WithColumn':
      return compileWithColumn(plan, context)
    case 'RenameColumn':
      return compileRenameColumn(plan, context)
    case 'DropColumns':
      return compileDropColumns(plan, context)
    case 'Filter':
      return compileFilter(plan, context)
    case 'Aggregate':
      return compileAggregate(plan, context)
    case 'Sort':
      return compileSort(plan, context)
    case 'Limit':
      return compileLimit(plan, context)
    case 'Distinct':
      return compileDistinct(plan, context)
    case 'Union':
      return compileUnion(plan, context)
    case 'Join':
      return compileJoin(plan, context)
  }
}

/** A child plan as a subquery in FROM, under the alias `q<id>`. */
export async function relation(plan: LogicalPlan, context: CompileContext): Promise<SqlText> {
  return sql`(${await context.compile(plan)}) AS ${aliasOf(plan)}`
}

/** The alias a plan's subquery has in its parent: `"q<id>"`; `df.col(name)` refers to columns through it. */
export function aliasOf(plan: LogicalPlan): string {
  return quoteIdentifier(`q${plan.id}`)
}
