import type { DurationLike } from '../common/time.js'
import { CaseColumn, Column, toColumn } from './column.js'
import { literalName, sqlLiteral } from './column-literal.js'
import { javaToStrftime } from './parser/java-date-format.js'
import { rewriteSparkSql } from './parser/rewrite-spark-sql.js'
import { SqlText, sql } from './parser/sql-text.js'
import { quoteIdentifier } from './types/duckdb-types.js'

/** A column given by name (`"word"`, `"t.word"`, `` "`a.b`" ``, `"*"`) or as a Column. */
export type ColumnOrName = Column | string

/**
 * The column called `name`: `"*"` for all columns, `"t.*"` for all of a
 * struct's fields, `"a.b"` for field b of struct a, `` "`a.b`" `` for a
 * column whose name holds a dot.
 */
export function col(name: string): Column {
  if (typeof name !== 'string') throw new TypeError(`col() takes a column name, got ${typeof name}; use lit() for values`)
  if (name === '*') return new Column({ expr: new SqlText('*'), name: null })
  const parts = splitName(name)
  const last = parts.at(-1)!
  if (last === '*') return new Column({ expr: new SqlText(`${parts.slice(0, -1).map(quoteIdentifier).join('.')}.*`), name: null })
  return new Column({ expr: new SqlText(parts.map(quoteIdentifier).join('.')), name: last })
}

export const column = col

/** A column holding `value` in every row. */
export function lit(value: unknown): Column {
  return value instanceof Column ? value : toColumn(value)
}

/** A column given as a Spark SQL expression, e.g. `expr("length(word) > 3")`. */
export function expr(text: string): Column {
  const rewritten = rewriteSparkSql(text)
  return new Column({ expr: SqlText.user(rewritten), name: null })
}

// ---- strings ----

/** The parts of a string split around matches of a regular expression (Spark's split takes a regex). */
export function split(str: ColumnOrName, pattern: string, limit = -1): Column {
  return call('split', [str], [pattern, limit], `split(${nameOf(str)}, ${pattern}, ${limit})`)
}

export function lower(str: ColumnOrName): Column {
  return call('lower', [str])
}

export function upper(str: ColumnOrName): Column {
  return call('upper', [str])
}

export function trim(str: ColumnOrName): Column {
  return call('trim', [str])
}

export function length(str: ColumnOrName): Column {
  return call('length', [str])
}

/** The strings (or arrays) joined; null if any of them is null, as in Spark. */
export function concat(...columns: ColumnOrName[]): Column {
  const parts = columns.map(asColumn)
  if (parts.length === 0) return new Column({ expr: new SqlText("''"), name: 'concat()' })
  return new Column({ expr: sql`(${SqlText.join(parts.map((part) => part.expr), ' || ')})`, name: `concat(${parts.join(', ')})` })
}

/** The strings (or the elements of array columns) joined with `separator`, skipping nulls. */
export function concat_ws(separator: string, ...columns: ColumnOrName[]): Column {
  const parts = columns.map(asColumn)
  const name = `concat_ws(${[separator, ...parts].join(', ')})`
  if (parts.length === 1) return new Column({ expr: sql`sluice_concat_ws(${sqlLiteral(separator)}, ${parts[0]!.expr})`, name })
  return new Column({ expr: sql`concat_ws(${SqlText.join([sqlLiteral(separator), ...parts.map((part) => part.expr)], ', ')})`, name })
}

// ---- arrays ----

/** One row per element of the array, in a column Spark names `col`. */
export function explode(array: ColumnOrName): Column {
  return new Column({ expr: sql`unnest(${asColumn(array).expr})`, name: 'col', generator: true })
}

/** Like explode, but a null or empty array gives one row with null. */
export function explode_outer(array: ColumnOrName): Column {
  return new Column({ expr: sql`explode_outer(${asColumn(array).expr})`, name: 'col', generator: true })
}

export function size(array: ColumnOrName): Column {
  return call('size', [array])
}

/** The element at a 1-based index (negative from the end) of an array, or the value of a map key. */
export function element_at(column: ColumnOrName, key: unknown): Column {
  return call('element_at', [column], [key])
}

export function array_contains(array: ColumnOrName, value: unknown): Column {
  return call('array_contains', [array], [value])
}

// ---- aggregates ----

/** The number of rows (`count("*")`) or of non-null values. */
export function count(column: ColumnOrName): Column {
  if (column === '*' || (column instanceof Column && column.expr.text === '*')) return new Column({ expr: new SqlText('count(*)'), name: 'count(1)' })
  return call('count', [column])
}

export function countDistinct(...columns: ColumnOrName[]): Column {
  const parts = columns.map(asColumn)
  const inner = parts.length === 1 ? parts[0]!.expr : sql`(${SqlText.join(parts.map((part) => part.expr), ', ')})`
  return new Column({ expr: sql`count(DISTINCT ${inner})`, name: `count(DISTINCT ${parts.join(', ')})` })
}

export function sum(column: ColumnOrName): Column {
  return call('sum', [column])
}

export function avg(column: ColumnOrName): Column {
  return call('avg', [column])
}

/** The average; Spark names the column `avg(...)`. */
export function mean(column: ColumnOrName): Column {
  return call('avg', [column])
}

export function min(column: ColumnOrName): Column {
  return call('min', [column])
}

export function max(column: ColumnOrName): Column {
  return call('max', [column])
}

export function first(column: ColumnOrName): Column {
  return call('first', [column])
}

export function last(column: ColumnOrName): Column {
  return call('last', [column])
}

/** The values of the group as an array, nulls left out. */
export function collect_list(column: ColumnOrName): Column {
  return call('collect_list', [column])
}

/** The distinct values of the group as an array, nulls left out. */
export function collect_set(column: ColumnOrName): Column {
  return call('collect_set', [column])
}

// ---- conditions and nulls ----

/** A CASE expression: `when(cond, value).when(cond2, value2).otherwise(other)`. */
export function when(condition: Column, value: unknown): CaseColumn {
  return new CaseColumn([[condition, toColumn(value)]])
}

/** The first argument that is not null. */
export function coalesce(...columns: ColumnOrName[]): Column {
  return call('coalesce', columns)
}

/** `a` unless it is null, then `b`. */
export function nvl(a: ColumnOrName, b: ColumnOrName): Column {
  return call('nvl', [a, b])
}

// ---- dates and times ----

export function current_timestamp(): Column {
  return new Column({ expr: new SqlText('current_timestamp()'), name: 'current_timestamp()' })
}

/** A string parsed as a timestamp, with an optional Spark datetime pattern such as "yyyy-MM-dd HH:mm"; null where it does not parse. */
export function to_timestamp(column: ColumnOrName, format?: string): Column {
  if (format === undefined) return call('to_timestamp', [column])
  const name = `to_timestamp(${nameOf(column)}, ${format})`
  return new Column({ expr: sql`try_strptime(CAST(${asColumn(column).expr} AS VARCHAR), ${sqlLiteral(javaToStrftime(format, true))})`, name })
}

/** A timestamp or date formatted with a Spark datetime pattern such as "yyyy-MM-dd". */
export function date_format(column: ColumnOrName, format: string): Column {
  const name = `date_format(${nameOf(column)}, ${format})`
  return new Column({ expr: sql`strftime(CAST(${asColumn(column).expr} AS TIMESTAMP), ${sqlLiteral(javaToStrftime(format))})`, name })
}

/**
 * The time window holding each row's timestamp, as a struct of `start` and
 * `end`, in a column named `window`. Windows are aligned to 1970-01-01
 * UTC (plus `startTime`). With a `slideDuration` shorter than the window,
 * each row falls in several windows and appears once per window, as in
 * Spark. Durations are Spark interval strings ("10 minutes") or
 * milliseconds.
 *
 * @example
 * events.groupBy(window(col('time'), '10 minutes'), col('word')).count()
 */
export function window(timeColumn: ColumnOrName, windowDuration: string | DurationLike, slideDuration?: string | DurationLike, startTime?: string | DurationLike): Column {
  const time = asColumn(timeColumn)
  const args = [time.expr, intervalLiteral(windowDuration)]
  if (slideDuration !== undefined || startTime !== undefined) args.push(intervalLiteral(slideDuration ?? windowDuration))
  if (startTime !== undefined) args.push(intervalLiteral(startTime))
  const sliding = args.length > 2 && intervalText(slideDuration ?? windowDuration) !== intervalText(windowDuration)
  const exprText = args.length > 2 && !sliding ? sql`sluice_window(${args[0]!}, ${args[1]!})` : sql`sluice_window(${SqlText.join(args, ', ')})`
  return new Column({ expr: exprText, name: 'window', generator: sliding })
}

// ---- ordering ----

export function desc(column: string): Column {
  return col(column).desc()
}

export function asc(column: string): Column {
  return col(column).asc()
}

// ---- helpers ----

/** A name is a column reference; a Column is itself. */
export function asColumn(value: ColumnOrName): Column {
  return typeof value === 'string' ? col(value) : value
}

function nameOf(value: ColumnOrName): string {
  return typeof value === 'string' ? (splitName(value).at(-1) ?? value) : String(value)
}

/** `fn(columns..., literals...)`, named as Spark names it: `fn(a, b)`. */
function call(fn: string, columns: readonly ColumnOrName[], literals: readonly unknown[] = [], name?: string): Column {
  const parts = columns.map(asColumn)
  const args = [...parts.map((part) => part.expr), ...literals.map(sqlLiteral)]
  return new Column({
    expr: sql`${fn}(${SqlText.join(args, ', ')})`,
    name: name ?? `${fn}(${[...parts.map(String), ...literals.map(literalName)].join(', ')})`,
  })
}

/** `a.b` is two parts; backquotes keep dots in a name (`` `a.b` ``). */
function splitName(name: string): string[] {
  const parts: string[] = []
  let current = ''
  let quoted = false
  for (let i = 0; i < name.length; i++) {
    const char = name[i]!
    if (char === '`') {
      if (quoted && name[i + 1] === '`') {
        current += '`'
        i++
      } else {
        quoted = !quoted
      }
    } else if (char === '.' && !quoted) {
      parts.push(current)
      current = ''
    } else {
      current += char
    }
  }
  parts.push(current)
  return parts
}

function intervalText(duration: string | DurationLike): string {
  if (typeof duration === 'string') return duration
  const milliseconds = typeof duration === 'number' ? duration : duration.milliseconds
  return `${milliseconds} milliseconds`
}

function intervalLiteral(duration: string | DurationLike): string {
  return `CAST(${sqlLiteral(intervalText(duration))} AS INTERVAL)`
}
