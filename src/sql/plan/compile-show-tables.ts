import { SqlText } from '../parser/sql-text.js'
import { quoteString } from '../types/duckdb-types.js'
import type { TableInfo } from './compile-plan.js'
import type { PlanOf } from './logical-plan.js'

/**
 * `SHOW TABLES [LIKE 'pattern']` as Spark answers it: columns `namespace`,
 * `tableName`, `isTemporary`; tables first, then temporary views, each by
 * name. In the pattern `*` matches anything and `|` separates choices.
 */
export function compileShowTables(plan: PlanOf<'ShowTables'>, tables: readonly TableInfo[]): SqlText {
  const matches = plan.pattern === null ? () => true : patternMatcher(plan.pattern)
  const rows = tables
    .filter((table) => matches(table.name))
    .sort((a, b) => Number(a.isTemporary) - Number(b.isTemporary) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((table) => `(${quoteString(table.namespace)}, ${quoteString(table.name)}, ${table.isTemporary ? 'TRUE' : 'FALSE'})`)
  const values = rows.length === 0 ? "('', '', FALSE)" : rows.join(', ')
  return new SqlText(`SELECT * FROM (VALUES ${values}) AS t(namespace, tableName, isTemporary)${rows.length === 0 ? ' WHERE FALSE' : ''}`)
}

function patternMatcher(pattern: string): (name: string) => boolean {
  const choices = pattern.split('|').map((choice) => choice.trim().replace(/[.+?^${}()[\]\\]/g, '\\$&').replaceAll('*', '.*'))
  const regex = new RegExp(`^(?:${choices.join('|')})$`, 'i')
  return (name) => regex.test(name)
}
