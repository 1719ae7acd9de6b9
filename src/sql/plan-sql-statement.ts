import { type RewrittenSql, rewriteSparkSql } from './parser/rewrite-spark-sql.js'
import { SqlText } from './parser/sql-text.js'
import { type LogicalPlan, planNode } from './plan/logical-plan.js'
import type { SessionState } from './session-state.js'

/** Statements that change state rather than return rows: they run when `spark.sql()` is called, as in Spark. */
const COMMANDS = new Set([
  'create', 'drop', 'insert', 'update', 'delete', 'alter', 'truncate', 'copy', 'attach', 'detach', 'use', 'set', 'reset',
  'begin', 'commit', 'rollback', 'install', 'load', 'checkpoint', 'vacuum', 'analyze', 'export', 'import',
])

const NAME = '(`(?:[^`]|``)+`|[\\p{L}_][\\p{L}\\p{N}_]*)'

/**
 * The plan of a `spark.sql(text)` statement. Queries stay lazy: they are
 * checked and run at the first action. Statements that change state run
 * now, and their DataFrame is empty; their errors, like a query's, reach
 * the user at its first action. A few Spark statements are answered here:
 * `SHOW TABLES`, `CREATE [OR REPLACE] TEMP VIEW v AS query` (a temp view
 * like `createOrReplaceTempView`'s), `DROP VIEW` of one, `SET spark.x=y`,
 * and `CACHE`/`UNCACHE`/`REFRESH TABLE` (nothing to do: DuckDB holds the
 * tables in memory).
 */
export function planSqlStatement(text: string, state: SessionState): LogicalPlan {
  const statement = text.replace(/[\s;]+$/, '')
  const showTables = new RegExp(`^\\s*show\\s+tables(?:\\s+(?:from|in)\\s+${NAME})?(?:\\s+(?:like\\s+)?(['"])(.*)\\2)?$`, 'isu').exec(statement)
  if (showTables !== null) return planNode({ kind: 'ShowTables', pattern: showTables[3] ?? null })

  let rewritten: RewrittenSql
  try {
    rewritten = rewriteSparkSql(statement)
  } catch (error) {
    return command(statement, Promise.reject(error))
  }
  const view = new RegExp(`^\\s*create\\s+(or\\s+replace\\s+)?(?:global\\s+)?temp(?:orary)?\\s+view\\s+(if\\s+not\\s+exists\\s+)?${NAME}\\s+as\\s+`, 'isu').exec(statement)
  if (view !== null) {
    const name = unquote(view[3]!)
    return command(statement, (async () => {
      if (view[2] !== undefined && state.hasView(name)) return
      const query = planNode({ kind: 'SqlQuery', sql: rewriteSparkSql(statement.slice(view[0].length)) })
      state.registerView(name, query, view[1] !== undefined)
    })())
  }
  const dropView = new RegExp(`^\\s*drop\\s+view\\s+(if\\s+exists\\s+)?${NAME}$`, 'isu').exec(statement)
  if (dropView !== null && state.hasView(unquote(dropView[2]!))) {
    state.dropView(unquote(dropView[2]!))
    return command(statement, Promise.resolve())
  }
  const setting = /^\s*set\s+(spark\.[\w.]+)\s*=\s*(.*)$/is.exec(statement)
  if (setting !== null) {
    state.conf.set(setting[1]!, setting[2]!.trim())
    return command(statement, Promise.resolve())
  }
  if (/^\s*(cache|uncache|refresh|clear\s+cache)\b/i.test(statement)) return command(statement, Promise.resolve())

  const keyword = /^[\s(]*([A-Za-z]+)/.exec(statement)?.[1]?.toLowerCase() ?? ''
  if (COMMANDS.has(keyword)) return planNode({ kind: 'SqlCommand', sql: rewritten, done: state.runStatement(SqlText.user(rewritten), rewritten.names) })
  return planNode({ kind: 'SqlQuery', sql: rewritten })
}

function command(statement: string, done: Promise<void>): LogicalPlan {
  // Reported by the DataFrame's first action; not an unhandled rejection meanwhile.
  done.catch(() => undefined)
  return planNode({ kind: 'SqlCommand', sql: { text: statement, original: statement, names: new Set(), originalOffset: (offset: number) => offset }, done })
}

function unquote(name: string): string {
  return name.startsWith('`') ? name.slice(1, -1).replaceAll('``', '`') : name
}
