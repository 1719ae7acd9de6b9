import type { Column } from '../column.js'
import { SqlText, sql } from '../parser/sql-text.js'
import { quoteIdentifier } from '../types/duckdb-types.js'
import { type CompileContext, relation } from './compile-plan.js'
import type { PlanOf } from './logical-plan.js'

/** A select-list item: the expression, named as Spark names it unless DuckDB's own name is wanted. */
export function selectItem(column: Column): SqlText {
  if (column.name === null || column.expr.text === '*' || column.expr.text.endsWith('.*')) return column.expr
  if (column.expr.text === quoteIdentifier(column.name)) return column.expr
  return sql`${column.expr} AS ${quoteIdentifier(column.name)}`
}

export async function compileProject(plan: PlanOf<'Project'>, context: CompileContext): Promise<SqlText> {
  return sql`SELECT ${SqlText.join(plan.columns.map(selectItem), ', ')} FROM ${await relation(plan.child, context)}`
}

/** withColumn: the column replaced where it stands (names compare without case, as in Spark), or added at the end. */
export async function compileWithColumn(plan: PlanOf<'WithColumn'>, context: CompileContext): Promise<SqlText> {
  const columns = await context.columns(plan.child)
  const item = sql`${plan.column.expr} AS ${quoteIdentifier(plan.name)}`
  const lower = plan.name.toLowerCase()
  const items: (SqlText | string)[] = columns.map((name) => (name.toLowerCase() === lower ? item : quoteIdentifier(name)))
  if (!columns.some((name) => name.toLowerCase() === lower)) items.push(item)
  return sql`SELECT ${SqlText.join(items, ', ')} FROM ${await relation(plan.child, context)}`
}

/** withColumnRenamed: a rename of a column that does not exist changes nothing, as in Spark. */
export async function compileRenameColumn(plan: PlanOf<'RenameColumn'>, context: CompileContext): Promise<SqlText> {
  const columns = await context.columns(plan.child)
  const lower = plan.from.toLowerCase()
  if (!columns.some((name) => name.toLowerCase() === lower)) return context.compile(plan.child)
  const items = columns.map((name) => (name.toLowerCase() === lower ? `${quoteIdentifier(name)} AS ${quoteIdentifier(plan.to)}` : quoteIdentifier(name)))
  return sql`SELECT ${items.join(', ')} FROM ${await relation(plan.child, context)}`
}

/** drop: names that are not columns are ignored, as in Spark. */
export async function compileDropColumns(plan: PlanOf<'DropColumns'>, context: CompileContext): Promise<SqlText> {
  const columns = await context.columns(plan.child)
  const dropped = new Set(plan.names.map((name) => name.toLowerCase()))
  const kept = columns.filter((name) => !dropped.has(name.toLowerCase()))
  if (kept.length === columns.length) return context.compile(plan.child)
  if (kept.length === 0) throw new RangeError(`drop(${plan.names.join(', ')}) would leave no columns; a DataFrame needs at least one`)
  return sql`SELECT ${kept.map(quoteIdentifier).join(', ')} FROM ${await relation(plan.child, context)}`
}
