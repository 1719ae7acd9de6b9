import { Column } from './column.js'
import type { DataFrame } from './data-frame.js'
import { type ColumnOrName, asColumn, avg, count, expr, max, min, sum } from './functions.js'
import { SqlText } from './parser/sql-text.js'

/**
 * The result of `df.groupBy(...)`: aggregations over each group, returned
 * as a DataFrame of the grouping columns followed by the aggregates.
 *
 * @example
 * df.groupBy('word').agg(count('*').alias('total'), sum('n'))
 */
export class GroupedData {
  readonly #frame: DataFrame
  readonly #groupBy: readonly Column[]
  readonly #aggregate: (groupBy: readonly Column[], aggregates: readonly Column[]) => DataFrame

  constructor(frame: DataFrame, groupBy: readonly Column[], aggregate: (groupBy: readonly Column[], aggregates: readonly Column[]) => DataFrame) {
    this.#frame = frame
    this.#groupBy = groupBy
    this.#aggregate = aggregate
  }

  /**
   * Aggregates given as Columns (`count('*')`, `sum('n').alias('total')`),
   * as SQL strings (`"max(n)"`), or as one object from column name to
   * function name (`{ n: 'sum', word: 'count' }`).
   */
  agg(...aggregates: (Column | string | Record<string, string>)[]): DataFrame {
    const columns = aggregates.flatMap((aggregate): Column[] => {
      if (aggregate instanceof Column) return [aggregate]
      if (typeof aggregate === 'string') return [expr(aggregate)]
      return Object.entries(aggregate).map(([name, fn]) => named(fn, name))
    })
    if (columns.length === 0) throw new RangeError('agg() needs at least one aggregate, e.g. agg(count("*"))')
    return this.#aggregate(this.#groupBy, columns)
  }

  /** The number of rows in each group, in a column `count`. */
  count(): DataFrame {
    return this.#aggregate(this.#groupBy, [count('*').alias('count')])
  }

  sum(...columns: string[]): DataFrame {
    return this.#numeric(sum, columns)
  }

  avg(...columns: string[]): DataFrame {
    return this.#numeric(avg, columns)
  }

  mean(...columns: string[]): DataFrame {
    return this.#numeric(avg, columns)
  }

  min(...columns: string[]): DataFrame {
    return this.#numeric(min, columns)
  }

  max(...columns: string[]): DataFrame {
    return this.#numeric(max, columns)
  }

  /** Without names, Spark aggregates every numeric column; here the caller names them. */
  #numeric(fn: (column: ColumnOrName) => Column, columns: readonly string[]): DataFrame {
    if (columns.length === 0) throw new RangeError(`Name the columns to aggregate, e.g. groupBy('word').${fn.name}('n')`)
    return this.#aggregate(this.#groupBy, columns.map((name) => fn(asColumn(name))))
  }

  toString(): string {
    return `GroupedData [${this.#groupBy.join(', ')}] of ${this.#frame}`
  }
}

/** `{ n: 'sum' }` as a Column: Spark's map form of agg. */
function named(fn: string, column: string): Column {
  const lower = fn.toLowerCase()
  if (lower === 'count' && column === '*') return count('*')
  const functions: Readonly<Record<string, (column: ColumnOrName) => Column>> = { sum, avg, mean: avg, min, max, count }
  const make = functions[lower]
  if (make !== undefined) return make(column)
  return new Column({ expr: new SqlText(`${lower}(${asColumn(column).expr.text})`), name: `${lower}(${column})` })
}
