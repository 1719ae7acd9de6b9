/** A row of a DataFrame: a plain object from column name to value. */
export type Row = Record<string, unknown>

/**
 * Spark's `Row(word = "a")`: a row from an object of its fields, accepted
 * by `createDataFrame` like any plain object.
 *
 * @example
 * spark.createDataFrame([Row({ word: 'a', n: 1 }), Row({ word: 'b', n: 2 })])
 */
export function Row(fields: Record<string, unknown>): Row {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    throw new TypeError(`Row() takes an object of fields, e.g. Row({ word: 'a' }), got ${Array.isArray(fields) ? 'an array' : typeof fields}`)
  }
  return { ...fields }
}

/** Rows as objects from a query's names and row arrays; a repeated name (a join's columns) gets `_2`, `_3`, ... */
export function toRowObjects(names: readonly string[], rows: readonly unknown[][]): Row[] {
  const keys: string[] = []
  const seen = new Map<string, number>()
  for (const name of names) {
    const count = (seen.get(name) ?? 0) + 1
    seen.set(name, count)
    keys.push(count === 1 ? name : `${name}_${count}`)
  }
  return rows.map((values) => {
    const row: Row = {}
    keys.forEach((key, i) => {
      row[key] = values[i]
    })
    return row
  })
}
