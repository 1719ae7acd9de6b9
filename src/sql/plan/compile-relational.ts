import type { Column } from '../column.js'
import { SqlText, sql } from '../parser/sql-text.js'
import { quoteIdentifier } from '../types/duckdb-types.js'
import { selectItem } from './compile-columns.js'
import { type CompileContext, relation } from './compile-plan.js'
import type { PlanOf } from './logical-plan.js'

export async function compileFilter(plan: PlanOf<'Filter'>, context: CompileContext): Promise<SqlText> {
  return sql`SELECT * FROM ${await relation(plan.child, context)} WHERE ${plan.condition.expr}`
}

/**
 * groupBy(...).agg(...): the grouping columns first, then the aggregates,
 * as Spark orders them. A grouping column that yields several rows per
 * input row (a sliding window) is computed in a subquery first, since
 * DuckDB cannot unnest inside GROUP BY.
 */
export async function compileAggregate(plan: PlanOf<'Aggregate'>, context: CompileContext): Promise<SqlText> {
  const source = await relation(plan.child, context)
  if (!plan.groupBy.some((column) => column.isGenerator)) {
    const items = [...plan.groupBy.map(selectItem), ...plan.aggregates.map(selectItem)]
    const groupBy = plan.groupBy.length === 0 ? '' : sql` GROUP BY ${SqlText.join(plan.groupBy.map((column) => column.expr), ', ')}`
    return sql`SELECT ${SqlText.join(items, ', ')} FROM ${source}${groupBy}`
  }
  const keys = plan.groupBy.map((_, i) => quoteIdentifier(`__group_${i}`))
  const inner = sql`SELECT *, ${SqlText.join(plan.groupBy.map((column, i) => sql`${column.expr} AS ${keys[i]!}`), ', ')} FROM ${source}`
  const items = [
    ...plan.groupBy.map((column, i) => `${keys[i]} AS ${quoteIdentifier(column.name ?? `__group_${i}`)}`),
    ...plan.aggregates.map(selectItem),
  ]
  return sql`SELECT ${SqlText.join(items, ', ')} FROM (${inner}) AS ${quoteIdentifier(`q${plan.id}`)} GROUP BY ${keys.join(', ')}`
}

export async function compileSort(plan: PlanOf<'Sort'>, context: CompileContext): Promise<SqlText> {
  return sql`SELECT * FROM ${await relation(plan.child, context)} ORDER BY ${orderBy(plan.orders)}`
}

/** A limit over a sort stays in the same statement, so DuckDB keeps the order and runs a top-N. */
export async function compileLimit(plan: PlanOf<'Limit'>, context: CompileContext): Promise<SqlText> {
  if (plan.child.kind === 'Sort') {
    return sql`SELECT * FROM ${await relation(plan.child.child, context)} ORDER BY ${orderBy(plan.child.orders)} LIMIT ${String(plan.n)}`
  }
  return sql`SELECT * FROM ${await relation(plan.child, context)} LIMIT ${String(plan.n)}`
}

/** distinct() and dropDuplicates(cols): one row per distinct value of all (or the given) columns. */
export async function compileDistinct(plan: PlanOf<'Distinct'>, context: CompileContext): Promise<SqlText> {
  const source = await relation(plan.child, context)
  if (plan.columns === null) return sql`SELECT DISTINCT * FROM ${source}`
  return sql`SELECT DISTINCT ON (${plan.columns.map(quoteIdentifier).join(', ')}) * FROM ${source}`
}

/** union keeps duplicates and matches columns by position (Spark's union); unionByName matches them by name. */
export async function compileUnion(plan: PlanOf<'Union'>, context: CompileContext): Promise<SqlText> {
  const left = await context.compile(plan.left)
  const right = await context.compile(plan.right)
  return sql`SELECT * FROM ((${left}) UNION ALL ${plan.byName ? 'BY NAME ' : ''}(${right})) AS ${quoteIdentifier(`q${plan.id}`)}`
}

function orderBy(orders: readonly Column[]): SqlText {
  const directions: Readonly<Record<string, string>> = { asc: ' ASC', desc: ' DESC', asc_nulls_last: ' ASC NULLS LAST', desc_nulls_first: ' DESC NULLS FIRST' }
  return SqlText.join(orders.map((column) => sql`${column.expr}${directions[column.sortDirection ?? 'asc']!}`), ', ')
}
