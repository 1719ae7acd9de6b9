import type { Column } from '../column.js'
import { type LogicalPlan, childrenOf } from '../plan/logical-plan.js'

/**
 * A logical plan as Spark's `TreeNode.treeString` draws it: one node per
 * line, children below their parent after `+- ` (the last child) or `:- `.
 *
 * @example
 * Aggregate [word], [word, count(1) AS count]
 * +- LocalRelation [word]
 */
export function planString(plan: LogicalPlan): string {
  const lines: string[] = []
  const walk = (node: LogicalPlan, prefix: string, isLast: boolean | null): void => {
    lines.push(`${prefix}${isLast === null ? '' : isLast ? '+- ' : ':- '}${describeNode(node)}`)
    const children = childrenOf(node)
    const childPrefix = isLast === null ? prefix : `${prefix}${isLast ? '   ' : ':  '}`
    children.forEach((child, i) => walk(child, childPrefix, i === children.length - 1))
  }
  walk(plan, '', null)
  return lines.join('\n')
}

function describeNode(plan: LogicalPlan): string {
  switch (plan.kind) {
    case 'LocalRelation':
      return `LocalRelation ${plan.data.kind === 'rdd' ? `[${plan.data.rdd}]` : `[${plan.data.rows.length} rows]`}`
    case 'SqlQuery':
    case 'SqlCommand':
      return `${plan.kind === 'SqlQuery' ? 'Sql' : 'Command'} [${plan.sql.original.replace(/\s+/g, ' ').trim()}]`
    case 'ShowTables':
      return `ShowTables${plan.pattern === null ? '' : ` '${plan.pattern}'`}`
    case 'UnresolvedRelation':
      return `UnresolvedRelation [${plan.name}]`
    case 'Range':
      return `Range (${plan.start}, ${plan.end}, step=${plan.step})`
    case 'FileScan':
      return `Relation [${plan.format}] ${plan.paths.join(', ')}`
    case 'Project':
      return `Project [${names(plan.columns)}]`
    case 'Filter':
      return `Filter ${plan.condition}`
    case 'Aggregate':
      return `Aggregate [${names(plan.groupBy)}], [${names([...plan.groupBy, ...plan.aggregates])}]`
    case 'Sort':
      return `Sort [${plan.orders.map((order) => `${order} ${(order.sortDirection ?? 'asc').replace('_', ' ').toUpperCase()}`).join(', ')}]`
    case 'Limit':
      return `GlobalLimit ${plan.n}`
    case 'Distinct':
      return plan.columns === null ? 'Distinct' : `Deduplicate [${plan.columns.join(', ')}]`
    case 'Join':
      return `Join ${plan.how === 'full' ? 'FullOuter' : plan.how.charAt(0).toUpperCase() + plan.how.slice(1)}${plan.condition.kind === 'using' ? `, [${plan.condition.columns.join(', ')}]` : plan.condition.kind === 'on' ? `, ${plan.condition.condition}` : ''}`
    case 'Union':
      return plan.byName ? 'Union true' : 'Union'
    case 'WithColumn':
      return `Project [*, ${plan.column} AS ${plan.name}]`
    case 'RenameColumn':
      return `Project [*, ${plan.from} AS ${plan.to}]`
    case 'DropColumns':
      return `Project [* EXCEPT (${plan.names.join(', ')})]`
  }
}

function names(columns: readonly Column[]): string {
  return columns.map((column) => (column.name === null || column.name === column.expr.text ? String(column) : column.name)).join(', ')
}
