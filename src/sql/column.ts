import { literalName, sqlLiteral } from './column-literal.js'
import { SqlText, sql } from './parser/sql-text.js'
import type { DataType } from './types/data-type.js'
import { duckdbTypeSql } from './types/duckdb-types.js'
import { parseDataType } from './types/parse-data-type.js'

/** How a Column sorts when given to orderBy/sort. */
export type SortDirection = 'asc' | 'desc' | 'asc_nulls_last' | 'desc_nulls_first'

interface ColumnParts {
  readonly expr: SqlText
  /** Spark's name for the column (`sum(n)`, `(n + 1)`); null leaves the name to DuckDB. */
  readonly name: string | null
  readonly sort?: SortDirection | null
  /** Produces several rows per input row (explode, a sliding window): cannot sit in a GROUP BY as it is. */
  readonly generator?: boolean
}

/**
 * An expression over the columns of a DataFrame, built with `col`, `lit`,
 * `expr` and the other `functions`, and combined with the methods below.
 * It holds the DuckDB SQL of the expression and the name Spark would give
 * the resulting column.
 *
 * @example
 * df.filter(col('n').gt(1).and(col('word').like('s%'))).select(col('n').plus(1).alias('next'))
 */
export class Column {
  readonly #parts: ColumnParts

  constructor(parts: ColumnParts) {
    this.#parts = parts
  }

  /** The DuckDB SQL of the expression. */
  get expr(): SqlText {
    return this.#parts.expr
  }

  /** Spark's name for this column, or null when DuckDB names it (expressions from `expr("...")`). */
  get name(): string | null {
    return this.#parts.name
  }

  get sortDirection(): SortDirection | null {
    return this.#parts.sort ?? null
  }

  get isGenerator(): boolean {
    return this.#parts.generator === true
  }

  /** The name to show in a plan or message: Spark's name, or the SQL. */
  toString(): string {
    return this.#parts.name ?? this.#parts.expr.text
  }

  /** The same column under another name. */
  alias(name: string): Column {
    return new Column({ ...this.#parts, name })
  }

  as(name: string): Column {
    return this.alias(name)
  }

  /** The column converted to `type` (a DataType, or a Spark type name such as "string", "bigint", "array<int>"). */
  cast(type: DataType | string): Column {
    const dataType = typeof type === 'string' ? parseDataType(type) : type
    return this.#derive(sql`CAST(${this.expr} AS ${duckdbTypeSql(dataType)})`, `CAST(${this} AS ${dataType.simpleString().toUpperCase()})`)
  }

  asc(): Column {
    return new Column({ ...this.#parts, sort: 'asc' })
  }

  desc(): Column {
    return new Column({ ...this.#parts, sort: 'desc' })
  }

  asc_nulls_last(): Column {
    return new Column({ ...this.#parts, sort: 'asc_nulls_last' })
  }

  desc_nulls_first(): Column {
    return new Column({ ...this.#parts, sort: 'desc_nulls_first' })
  }

  isNull(): Column {
    return this.#derive(sql`(${this.expr} IS NULL)`, `(${this} IS NULL)`)
  }

  isNotNull(): Column {
    return this.#derive(sql`(${this.expr} IS NOT NULL)`, `(${this} IS NOT NULL)`)
  }

  like(pattern: string): Column {
    return this.#derive(sql`(${this.expr} LIKE ${sqlLiteral(pattern)})`, `${this} LIKE ${pattern}`)
  }

  rlike(regex: string): Column {
    return this.#derive(sql`regexp_matches(${this.expr}, ${sqlLiteral(regex)})`, `RLIKE(${this}, ${regex})`)
  }

  startsWith(prefix: string): Column {
    return this.#derive(sql`starts_with(${this.expr}, ${sqlLiteral(prefix)})`, `startswith(${this}, ${prefix})`)
  }

  endsWith(suffix: string): Column {
    return this.#derive(sql`ends_with(${this.expr}, ${sqlLiteral(suffix)})`, `endswith(${this}, ${suffix})`)
  }

  contains(part: string): Column {
    return this.#derive(sql`contains(${this.expr}, ${sqlLiteral(part)})`, `contains(${this}, ${part})`)
  }

  isin(...values: unknown[]): Column {
    const list = values.map((value) => toColumn(value))
    return this.#derive(sql`(${this.expr} IN (${SqlText.join(list.map((item) => item.expr), ', ')}))`, `(${this} IN (${list.join(', ')}))`)
  }

  between(lower: unknown, upper: unknown): Column {
    return this.geq(lower).and(this.leq(upper))
  }

  /** An element of an array (0-based, as Spark's getItem) or the value of a map key. */
  getItem(key: number | string): Column {
    const index = typeof key === 'number' ? sqlLiteral(key + 1) : sqlLiteral(key)
    return this.#derive(sql`${this.expr}[${index}]`, `${this}[${key}]`)
  }

  /** A field of a struct. */
  getField(name: string): Column {
    return this.#derive(sql`struct_extract(${this.expr}, ${sqlLiteral(name)})`, `${this}.${name}`)
  }

  eq(other: unknown): Column {
    return this.#binary('=', other)
  }

  equalTo(other: unknown): Column {
    return this.eq(other)
  }

  /** Null-safe equality: two nulls are equal (Spark's `<=>`). */
  eqNullSafe(other: unknown): Column {
    const right = toColumn(other)
    return this.#derive(sql`(${this.expr} IS NOT DISTINCT FROM ${right.expr})`, `(${this} <=> ${right})`)
  }

  neq(other: unknown): Column {
    const right = toColumn(other)
    return this.#derive(sql`(${this.expr} != ${right.expr})`, `(NOT (${this} = ${right}))`)
  }

  notEqual(other: unknown): Column {
    return this.neq(other)
  }

  gt(other: unknown): Column {
    return this.#binary('>', other)
  }

  geq(other: unknown): Column {
    return this.#binary('>=', other)
  }

  lt(other: unknown): Column {
    return this.#binary('<', other)
  }

  leq(other: unknown): Column {
    return this.#binary('<=', other)
  }

  and(other: unknown): Column {
    return this.#binary('AND', other)
  }

  or(other: unknown): Column {
    return this.#binary('OR', other)
  }

  not(): Column {
    return this.#derive(sql`(NOT ${this.expr})`, `(NOT ${this})`)
  }

  plus(other: unknown): Column {
    return this.#binary('+', other)
  }

  minus(other: unknown): Column {
    return this.#binary('-', other)
  }

  multiply(other: unknown): Column {
    return this.#binary('*', other)
  }

  /** Division is always fractional, as in Spark (1 / 2 is 0.5). */
  divide(other: unknown): Column {
    return this.#binary('/', other)
  }

  mod(other: unknown): Column {
    return this.#binary('%', other)
  }

  #binary(operator: string, other: unknown): Column {
    const right = toColumn(other)
    return this.#derive(sql`(${this.expr} ${operator} ${right.expr})`, `(${this} ${operator} ${right})`)
  }

  #derive(expr: SqlText, name: string): Column {
    return new Column({ expr, name, generator: this.isGenerator })
  }
}

/**
 * A CASE expression from `when(condition, value)`: more branches with
 * `.when(...)`, the default with `.otherwise(...)` (null without one).
 */
export class CaseColumn extends Column {
  readonly #branches: readonly (readonly [Column, Column])[]

  constructor(branches: readonly (readonly [Column, Column])[], otherwise: Column | null = null) {
    const whens = branches.map(([condition, value]) => sql` WHEN ${condition.expr} THEN ${value.expr}`)
    const elseSql = otherwise === null ? '' : sql` ELSE ${otherwise.expr}`
    const names = branches.map(([condition, value]) => ` WHEN ${condition} THEN ${value}`).join('')
    super({
      expr: SqlText.join(['(CASE', ...whens, elseSql, ' END)']),
      name: `CASE${names}${otherwise === null ? '' : ` ELSE ${otherwise}`} END`,
    })
    this.#branches = branches
  }

  when(condition: Column, value: unknown): CaseColumn {
    return new CaseColumn([...this.#branches, [condition, toColumn(value)]])
  }

  otherwise(value: unknown): Column {
    return new CaseColumn(this.#branches, toColumn(value))
  }
}

/** A Column as is; any other value as a literal (Spark's `lit`). */
export function toColumn(value: unknown): Column {
  if (value instanceof Column) return value
  return new Column({ expr: new SqlText(sqlLiteral(value)), name: literalName(value) })
}
