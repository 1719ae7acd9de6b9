import type { RDD } from '../rdd/index.js'
import { Column } from './column.js'
import { DataFrameRDD } from './data-frame-rdd.js'
import { DataFrameWriter } from './data-frame-writer.js'
import { planString } from './format/plan-string.js'
import { showString } from './format/show-string.js'
import { type ColumnOrName, asColumn, count, expr } from './functions.js'
import { GroupedData } from './grouped-data.js'
import { SqlText } from './parser/sql-text.js'
import { aliasOf } from './plan/compile-plan.js'
import { type JoinCondition, type JoinType, type LogicalPlan, planNode } from './plan/logical-plan.js'
import { type Row, toRowObjects } from './row.js'
import type { SparkSession } from './spark-session.js'
import { quoteIdentifier, sparkTypeOf } from './types/duckdb-types.js'
import { StructField, StructType } from './types/struct-type.js'

const JOIN_TYPES: Readonly<Record<string, JoinType>> = {
  inner: 'inner', cross: 'cross',
  outer: 'full', full: 'full', fullouter: 'full', full_outer: 'full',
  left: 'left', leftouter: 'left', left_outer: 'left',
  right: 'right', rightouter: 'right', right_outer: 'right',
  semi: 'semi', leftsemi: 'semi', left_semi: 'semi',
  anti: 'anti', leftanti: 'anti', left_anti: 'anti',
}

/**
 * A distributed collection of rows with named, typed columns, as in Spark:
 * a lazy logical plan that runs on the session's DuckDB when an action
 * (`show`, `collect`, `count`, ...) needs its rows. Transformations return
 * new DataFrames at once; actions return Promises. Rows are plain objects.
 *
 * @example
 * const counts = spark.createDataFrame(rdd.map((w) => ({ word: w })))
 *   .groupBy('word').count()
 *   .orderBy(desc('count'))
 * await counts.show()
 */
export class DataFrame {
  readonly sparkSession: SparkSession
  readonly logicalPlan: LogicalPlan
  #rdd: RDD<Row> | null = null

  constructor(sparkSession: SparkSession, logicalPlan: LogicalPlan) {
    this.sparkSession = sparkSession
    this.logicalPlan = logicalPlan
  }

  // ---- transformations ----

  /** The given columns: names (`"*"` for all), Columns, or arrays of them. */
  select(...columns: (ColumnOrName | readonly ColumnOrName[])[]): DataFrame {
    return this.#derive(planNode({ kind: 'Project', child: this.logicalPlan, columns: columns.flat().map(asColumn) }))
  }

  /** Columns given as Spark SQL expressions, e.g. `selectExpr("word", "length(word) AS n")`. */
  selectExpr(...expressions: string[]): DataFrame {
    return this.select(expressions.map(expr))
  }

  /** The rows for which `condition` (a Column, or a Spark SQL expression) is true. */
  filter(condition: Column | string): DataFrame {
    const column = typeof condition === 'string' ? expr(condition) : condition
    return this.#derive(planNode({ kind: 'Filter', child: this.logicalPlan, condition: column }))
  }

  where(condition: Column | string): DataFrame {
    return this.filter(condition)
  }

  /** Adds column `name`, or replaces the column of that name where it stands. */
  withColumn(name: string, column: Column): DataFrame {
    return this.#derive(planNode({ kind: 'WithColumn', child: this.logicalPlan, name, column }))
  }

  /** Renames a column; a name that is not a column changes nothing. */
  withColumnRenamed(existing: string, newName: string): DataFrame {
    return this.#derive(planNode({ kind: 'RenameColumn', child: this.logicalPlan, from: existing, to: newName }))
  }

  /** Leaves out the named columns; names that are not columns are ignored. */
  drop(...columns: ColumnOrName[]): DataFrame {
    const names = columns.map((column) => (typeof column === 'string' ? column : (column.name ?? column.expr.text)))
    return this.#derive(planNode({ kind: 'DropColumns', child: this.logicalPlan, names }))
  }

  /** Groups rows by the given columns for aggregation with `agg`, `count`, `sum`, ... */
  groupBy(...columns: (ColumnOrName | readonly ColumnOrName[])[]): GroupedData {
    return new GroupedData(this, columns.flat().map(asColumn), (groupBy, aggregates) =>
      this.#derive(planNode({ kind: 'Aggregate', child: this.logicalPlan, groupBy, aggregates })),
    )
  }

  groupby(...columns: (ColumnOrName | readonly ColumnOrName[])[]): GroupedData {
    return this.groupBy(...columns)
  }

  /** Aggregates over all rows: `df.agg(max('n'))` is `df.groupBy().agg(max('n'))`. */
  agg(...aggregates: (Column | string | Record<string, string>)[]): DataFrame {
    return this.groupBy().agg(...aggregates)
  }

  /** Sorted by the given columns: names sort ascending, Columns as their `asc()`/`desc()` say. */
  orderBy(...columns: (ColumnOrName | readonly ColumnOrName[])[]): DataFrame {
    return this.#derive(planNode({ kind: 'Sort', child: this.logicalPlan, orders: columns.flat().map(asColumn) }))
  }

  sort(...columns: (ColumnOrName | readonly ColumnOrName[])[]): DataFrame {
    return this.orderBy(...columns)
  }

  limit(n: number): DataFrame {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`limit needs a whole number of rows, got ${n}`)
    return this.#derive(planNode({ kind: 'Limit', child: this.logicalPlan, n }))
  }

  distinct(): DataFrame {
    return this.#derive(planNode({ kind: 'Distinct', child: this.logicalPlan, columns: null }))
  }

  /** Without columns, distinct(); with them, one row (any) per distinct value of those columns. */
  dropDuplicates(columns?: readonly string[] | string, ...more: string[]): DataFrame {
    const names = columns === undefined ? null : [...(typeof columns === 'string' ? [columns] : columns), ...more]
    return this.#derive(planNode({ kind: 'Distinct', child: this.logicalPlan, columns: names }))
  }

  drop_duplicates(columns?: readonly string[]): DataFrame {
    return this.dropDuplicates(columns)
  }

  /**
   * Joins with `other`: on column names present on both sides (a name or
   * an array; each appears once in the result), or on a condition built
   * from `df.col(...)` of each side. `how` is Spark's: inner (default),
   * left, right, full/outer, left_semi, left_anti, cross.
   */
  join(other: DataFrame, on?: string | readonly string[] | Column, how = 'inner'): DataFrame {
    const type = JOIN_TYPES[how.toLowerCase().replaceAll(' ', '')]
    if (type === undefined) throw new RangeError(`Unsupported join type ${JSON.stringify(how)}; use one of ${Object.keys(JOIN_TYPES).join(', ')}`)
    const condition: JoinCondition =
      on === undefined ? { kind: 'none' } : on instanceof Column ? { kind: 'on', condition: on } : { kind: 'using', columns: typeof on === 'string' ? [on] : [...on] }
    return this.#derive(planNode({ kind: 'Join', left: this.logicalPlan, right: other.logicalPlan, condition, how: type }))
  }

  crossJoin(other: DataFrame): DataFrame {
    return this.join(other, undefined, 'cross')
  }

  /** All rows of both, duplicates kept, columns matched by position (Spark's union). */
  union(other: DataFrame): DataFrame {
    return this.#derive(planNode({ kind: 'Union', left: this.logicalPlan, right: other.logicalPlan, byName: false }))
  }

  unionAll(other: DataFrame): DataFrame {
    return this.union(other)
  }

  /** All rows of both, columns matched by name; a column missing on one side is null there. */
  unionByName(other: DataFrame): DataFrame {
    return this.#derive(planNode({ kind: 'Union', left: this.logicalPlan, right: other.logicalPlan, byName: true }))
  }

  /** This DataFrame's column `name`, for join conditions: `a.join(b, a.col('id').eq(b.col('id')))`. */
  col(name: string): Column {
    return new Column({ expr: new SqlText(`${aliasOf(this.logicalPlan)}.${quoteIdentifier(name)}`), name })
  }

  /** Registers this DataFrame as temporary view `name` for `spark.sql`, replacing any view of that name. */
  createOrReplaceTempView(name: string): void {
    this.sparkSession.sessionState.registerView(name, this.logicalPlan, true)
  }

  /** Registers this DataFrame as temporary view `name`; an AnalysisError if the name is taken. */
  createTempView(name: string): void {
    this.sparkSession.sessionState.registerView(name, this.logicalPlan, false)
  }

  // ---- actions ----

  /**
   * Prints the first `numRows` rows as Spark does: a table with cells cut to
   * 20 characters and right-aligned (`truncate` true, or a number of
   * characters; false for whole cells, left-aligned), or one block per row
   * when `vertical`.
   */
  async show(numRows = 20, truncate: boolean | number = true, vertical = false): Promise<void> {
    process.stdout.write(`${await this.showString(numRows, truncate, vertical)}\n`)
  }

  /** What `show()` prints, as a string. */
  async showString(numRows = 20, truncate: boolean | number = true, vertical = false): Promise<string> {
    const result = await this.sparkSession.sessionState.execute(this.logicalPlan, Math.max(0, numRows) + 1)
    const width = truncate === true ? 20 : truncate === false ? 0 : truncate
    return showString(result.names, result.types.map(sparkTypeOf), result.rows, { numRows, truncate: width, vertical })
  }

  async collect(): Promise<Row[]> {
    const result = await this.sparkSession.sessionState.execute(this.logicalPlan)
    return toRowObjects(result.names, result.rows)
  }

  toArray(): Promise<Row[]> {
    return this.collect()
  }

  async count(): Promise<number> {
    const counted = this.groupBy().agg(count('*'))
    const result = await this.sparkSession.sessionState.execute(counted.logicalPlan)
    return Number(result.rows[0]?.[0] ?? 0)
  }

  async take(n: number): Promise<Row[]> {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`take needs a whole number of rows, got ${n}`)
    const result = await this.sparkSession.sessionState.execute(this.logicalPlan, n)
    return toRowObjects(result.names, result.rows)
  }

  /** head() is the first row (null when there is none); head(n) the first n. */
  head(): Promise<Row | null>
  head(n: number): Promise<Row[]>
  async head(n?: number): Promise<Row | Row[] | null> {
    if (n !== undefined) return this.take(n)
    return (await this.take(1))[0] ?? null
  }

  /** The first row, or null for an empty DataFrame. */
  first(): Promise<Row | null> {
    return this.head()
  }

  async isEmpty(): Promise<boolean> {
    return (await this.take(1)).length === 0
  }

  /** The columns' names and Spark types. */
  async schema(): Promise<StructType> {
    const { names, types } = await this.sparkSession.sessionState.describe(this.logicalPlan)
    const declared = this.logicalPlan.kind === 'LocalRelation' ? this.logicalPlan.schema : null
    const notNull = nonNullableColumns(this.logicalPlan)
    return new StructType(
      names.map((name, i) => new StructField(name, sparkTypeOf(types[i]!), !(declared?.fields[i]?.nullable === false || notNull.has(name)))),
    )
  }

  async columns(): Promise<string[]> {
    return (await this.schema()).fieldNames()
  }

  /** Each column's name and Spark type name (`bigint`, `string`, `array<int>`). */
  async dtypes(): Promise<[string, string][]> {
    return (await this.schema()).fields.map((field) => [field.name, field.dataType.simpleString()])
  }

  /** Prints the schema as Spark's tree: `root`, then ` |-- name: type (nullable = true)`. */
  async printSchema(): Promise<void> {
    process.stdout.write(`${(await this.schema()).treeString()}\n`)
  }

  /**
   * Prints the plan: DuckDB's physical plan under `== Physical Plan ==`;
   * with `extended` (or mode "extended"), also this DataFrame's logical
   * plan and DuckDB's optimized plan, as Spark's four sections.
   */
  async explain(extended: boolean | 'simple' | 'extended' | 'formatted' = false): Promise<void> {
    process.stdout.write(`${await this.explainString(extended === true || extended === 'extended')}\n`)
  }

  /** What `explain()` prints, as a string. */
  async explainString(extended = false): Promise<string> {
    const { plans } = await this.sparkSession.sessionState.explain(this.logicalPlan, extended)
    const physical = `== Physical Plan ==\n${(plans.get('physical_plan') ?? '').trimEnd()}\n`
    if (!extended) return physical
    const schema = await this.schema()
    const tree = planString(this.logicalPlan)
    return [
      `== Parsed Logical Plan ==\n${tree}\n`,
      `== Analyzed Logical Plan ==\n${schema.fields.map((field) => `${field.name}: ${field.dataType.simpleString()}`).join(', ')}\n${tree}\n`,
      `== Optimized Logical Plan ==\n${(plans.get('logical_opt') ?? '').trimEnd()}\n`,
      physical,
    ].join('\n')
  }

  /** The rows as an RDD of row objects, for the RDD API; computed once, when a job first needs it. */
  get rdd(): RDD<Row> {
    this.#rdd ??= new DataFrameRDD(this)
    return this.#rdd
  }

  /** Saves the rows to files: `df.write.mode('overwrite').format('parquet').save(path)`. */
  get write(): DataFrameWriter {
    return new DataFrameWriter(this)
  }

  toString(): string {
    return `DataFrame[${planString(this.logicalPlan).split('\n')[0]}]`
  }

  #derive(plan: LogicalPlan): DataFrame {
    return new DataFrame(this.sparkSession, plan)
  }
}

/** Columns known never to be null: counts, as Spark marks them (`count: long (nullable = false)`). */
function nonNullableColumns(plan: LogicalPlan): Set<string> {
  const columns = plan.kind === 'Aggregate' ? plan.aggregates : plan.kind === 'Project' ? plan.columns : []
  return new Set(columns.filter((column) => /^count\(/i.test(column.expr.text)).map((column) => column.name ?? column.expr.text))
}
