import { type SqlText, sql } from '../parser/sql-text.js'
import { quoteIdentifier } from '../types/duckdb-types.js'
import { type CompileContext, aliasOf } from './compile-plan.js'
import type { PlanOf } from './logical-plan.js'

const JOIN_KEYWORDS: Readonly<Record<string, string>> = {
  inner: 'JOIN', left: 'LEFT JOIN', right: 'RIGHT JOIN', full: 'FULL JOIN', semi: 'SEMI JOIN', anti: 'ANTI JOIN', cross: 'CROSS JOIN',
}

/**
 * Joins as Spark does. On column names, the result has the join columns
 * once, first, then the other columns of the left and of the right side
 * (for a full join the key is whichever side has it). On a condition,
 * all columns of both sides, which refer to each side through
 * `df.col(name)`. Semi and anti joins keep the left side's columns only.
 */
export async function compileJoin(plan: PlanOf<'Join'>, context: CompileContext): Promise<SqlText> {
  const left = aliasOf(plan.left)
  const right = aliasOf(plan.right)
  const from = sql`(${await context.compile(plan.left)}) AS ${left} ${JOIN_KEYWORDS[plan.how]!} (${await context.compile(plan.right)}) AS ${right}`
  const condition = plan.condition
  if (plan.how === 'semi' || plan.how === 'anti') {
    if (condition.kind === 'none') throw new RangeError(`A ${plan.how} join needs join columns or a condition`)
    return condition.kind === 'using'
      ? sql`SELECT ${left}.* FROM ${from} USING (${condition.columns.map(quoteIdentifier).join(', ')})`
      : sql`SELECT ${left}.* FROM ${from} ON ${condition.condition.expr}`
  }
  if (condition.kind === 'none' || plan.how === 'cross') return sql`SELECT * FROM ${from}`
  if (condition.kind === 'on') return sql`SELECT * FROM ${from} ON ${condition.condition.expr}`
  const keys = condition.columns.map(quoteIdentifier)
  const keyItems = keys.map((key) => {
    if (plan.how === 'full') return `coalesce(${left}.${key}, ${right}.${key}) AS ${key}`
    return `${plan.how === 'right' ? right : left}.${key} AS ${key}`
  })
  const isKey = new Set(condition.columns.map((name) => name.toLowerCase()))
  const others = async (side: PlanOf<'Join'>['left'], alias: string): Promise<string[]> =>
    (await context.columns(side)).filter((name) => !isKey.has(name.toLowerCase())).map((name) => `${alias}.${quoteIdentifier(name)}`)
  const items = [...keyItems, ...(await others(plan.left, left)), ...(await others(plan.right, right))]
  return sql`SELECT ${items.join(', ')} FROM ${from} USING (${keys.join(', ')})`
}
