import { capture } from '../../closure/ship.js'
import type { DataTypeJson, StructFieldJson } from '../types/data-type.js'
import { type EncodedColumn, encodeColumn } from './encode-column.js'
import { inferType, mergeTypes } from './infer-type.js'

/** The rows of one partition as columns: what a worker sends back for `createDataFrame`. */
export interface EncodedPartition {
  readonly count: number
  readonly names: readonly string[]
  /** The types the columns were encoded with: the given schema's, or those inferred from this partition alone. */
  readonly types: readonly DataTypeJson[]
  readonly columns: readonly EncodedColumn[]
}

/**
 * Turns the rows of a partition into columns. Rows are plain objects
 * (columns by name), arrays (columns `_1`, `_2`, ... as Scala tuples) or
 * single values (one column, `value`, as Spark's `toDF()` of an RDD of
 * strings). With `schema`, values are checked against it; without, each
 * column's type is inferred from this partition's values and the driver
 * merges the partitions' types.
 *
 * Runs on workers (shipped with `mapPartitions`) and, for arrays, on the
 * driver; self-contained apart from the captured helpers.
 */
export const encodePartition = capture({ encodeColumn, inferType, mergeTypes }, function encodePartition(
  rows: Iterable<unknown>,
  schema: readonly StructFieldJson[] | null,
): EncodedPartition {
  const list = Array.isArray(rows) ? (rows as unknown[]) : Array.from(rows)
  const isRecord = (row: unknown): row is Record<string, unknown> =>
    typeof row === 'object' && row !== null && !Array.isArray(row) && !(row instanceof Date) && !(row instanceof Map) && !(row instanceof Uint8Array)
  const shapeOf = (row: unknown): string => (isRecord(row) ? 'object' : Array.isArray(row) ? 'array' : 'value')
  const first = list.find((row) => row !== null && row !== undefined)
  const shape = first === undefined ? 'object' : shapeOf(first)

  let names: string[]
  if (schema !== null) {
    names = schema.map((field) => field.name)
  } else if (shape === 'object') {
    const seen = new Set<string>()
    for (const row of list) if (isRecord(row)) for (const key in row) seen.add(key)
    names = [...seen]
  } else if (shape === 'array') {
    const width = list.reduce<number>((widest, row) => Math.max(widest, Array.isArray(row) ? row.length : 0), 0)
    names = Array.from({ length: width }, (_, i) => `_${i + 1}`)
  } else {
    names = ['value']
  }

  // Column by column, so that each inner loop reads one property name (a monomorphic keyed load in V8).
  const columns: unknown[][] = names.map(() => new Array<unknown>(list.length))
  for (let row = 0; row < list.length; row++) {
    const value = list[row]
    if (value !== null && value !== undefined && shapeOf(value) !== shape) {
      const rowShape = shapeOf(value)
      throw new TypeError(`Row ${row} of the partition is ${rowShape === 'value' ? 'a single value' : `an ${rowShape}`} but the rows before it are ${shape === 'value' ? 'single values' : `${shape}s`}; give every row the same shape`)
    }
  }
  if (shape === 'value' && names.length !== 1) throw new TypeError(`A row that is a single value fits a schema of one field, but the schema has ${names.length}: ${names.join(', ')}`)
  for (let c = 0; c < names.length; c++) {
    const column = columns[c]!
    const name = names[c]!
    for (let row = 0; row < list.length; row++) {
      const value = list[row] as Record<string, unknown> | unknown[] | null | undefined
      if (value === null || value === undefined) column[row] = null
      else if (shape === 'object') column[row] = (value as Record<string, unknown>)[name]
      else if (shape === 'array') column[row] = (value as unknown[])[c]
      else column[row] = value
    }
  }

  const types: DataTypeJson[] = names.map((name, c) => {
    if (schema !== null) return schema[c]!.type
    // Strings, numbers and booleans are told apart here; nested values go through inferType.
    const where = `field ${name}`
    let type: DataTypeJson = 'void'
    for (const value of columns[c]!) {
      if (value === null || value === undefined) continue
      const kind = typeof value
      const valueType: DataTypeJson =
        kind === 'string' ? 'string' : kind === 'number' ? (Number.isInteger(value) ? 'long' : 'double') : kind === 'boolean' ? 'boolean' : inferType(value, where)
      if (valueType !== type) type = mergeTypes(type, valueType, where)
    }
    return type
  })
  return {
    count: list.length,
    names,
    types,
    columns: columns.map((values, c) => encodeColumn(values, types[c]!, `field ${names[c]}`)),
  }
})
