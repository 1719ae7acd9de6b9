import type { RDD } from '../../rdd/index.js'
import type { Column } from '../column.js'
import type { RewrittenSql } from '../parser/rewrite-spark-sql.js'
import type { StructType } from '../types/struct-type.js'

/** Rows that become a DuckDB table when an action first needs them: an array on the driver, or an RDD computed by the workers. */
export type LocalData = { readonly kind: 'rows'; readonly rows: readonly unknown[] } | { readonly kind: 'rdd'; readonly rdd: RDD<unknown> }

/** Spark's join types, normalised. */
export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'semi' | 'anti' | 'cross'

/** How a join matches rows: by columns of the same name (Spark's `using`), by a condition, or not at all. */
export type JoinCondition = { readonly kind: 'using'; readonly columns: readonly string[] } | { readonly kind: 'on'; readonly condition: Column } | { readonly kind: 'none' }

export interface FileScanOptions {
  readonly format: string
  readonly paths: readonly string[]
  readonly options: ReadonlyMap<string, string>
  readonly schema: StructType | null
}

/**
 * A DataFrame's logical plan: immutable nodes, each naming its child
 * plans, named after Spark's logical operators (they print in
 * `explain(true)`). A plan compiles to one DuckDB statement when an action
 * runs (compile-plan.ts). `id` is unique in the process; it names the
 * node's table or subquery.
 */
export type LogicalPlan =
  | { readonly kind: 'LocalRelation'; readonly id: number; readonly data: LocalData; readonly schema: StructType | null; readonly columnNames: readonly string[] | null }
  | { readonly kind: 'SqlQuery'; readonly id: number; readonly sql: RewrittenSql }
  | { readonly kind: 'SqlCommand'; readonly id: number; readonly sql: RewrittenSql; readonly done: Promise<void> }
  | { readonly kind: 'ShowTables'; readonly id: number; readonly pattern: string | null }
  | { readonly kind: 'UnresolvedRelation'; readonly id: number; readonly name: string }
  | { readonly kind: 'Range'; readonly id: number; readonly start: number; readonly end: number; readonly step: number }
  | ({ readonly kind: 'FileScan'; readonly id: number } & FileScanOptions)
  | { readonly kind: 'Project'; readonly id: number; readonly child: LogicalPlan; readonly columns: readonly Column[] }
  | { readonly kind: 'Filter'; readonly id: number; readonly child: LogicalPlan; readonly condition: Column }
  | { readonly kind: 'Aggregate'; readonly id: number; readonly child: LogicalPlan; readonly groupBy: readonly Column[]; readonly aggregates: readonly Column[] }
  | { readonly kind: 'Sort'; readonly id: number; readonly child: LogicalPlan; readonly orders: readonly Column[] }
  | { readonly kind: 'Limit'; readonly id: number; readonly child: LogicalPlan; readonly n: number }
  | { readonly kind: 'Distinct'; readonly id: number; readonly child: LogicalPlan; readonly columns: readonly string[] | null }
  | { readonly kind: 'Join'; readonly id: number; readonly left: LogicalPlan; readonly right: LogicalPlan; readonly condition: JoinCondition; readonly how: JoinType }
  | { readonly kind: 'Union'; readonly id: number; readonly left: LogicalPlan; readonly right: LogicalPlan; readonly byName: boolean }
  | { readonly kind: 'WithColumn'; readonly id: number; readonly child: LogicalPlan; readonly name: string; readonly column: Column }
  | { readonly kind: 'RenameColumn'; readonly id: number; readonly child: LogicalPlan; readonly from: string; readonly to: string }
  | { readonly kind: 'DropColumns'; readonly id: number; readonly child: LogicalPlan; readonly names: readonly string[] }

let nextPlanId = 1

/** A node of the given kind with a fresh id. */
export function planNode(node: WithoutId<LogicalPlan>): LogicalPlan {
  return { ...node, id: nextPlanId++ } as LogicalPlan
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never

/** The node type of one kind. */
export type PlanOf<K extends LogicalPlan['kind']> = Extract<LogicalPlan, { kind: K }>

/** The plans a node is computed from. */
export function childrenOf(plan: LogicalPlan): LogicalPlan[] {
  switch (plan.kind) {
    case 'Join':
    case 'Union':
      return [plan.left, plan.right]
    case 'Project':
    case 'Filter':
    case 'Aggregate':
    case 'Sort':
    case 'Limit':
    case 'Distinct':
    case 'WithColumn':
    case 'RenameColumn':
    case 'DropColumns':
      return [plan.child]
    default:
      return []
  }
}

/** The LocalRelations a plan reads directly (not through temp views). */
export function localRelationsOf(plan: LogicalPlan, into: PlanOf<'LocalRelation'>[] = []): PlanOf<'LocalRelation'>[] {
  if (plan.kind === 'LocalRelation') into.push(plan)
  for (const child of childrenOf(plan)) localRelationsOf(child, into)
  return into
}
