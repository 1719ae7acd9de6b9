import { quoteString } from './types/duckdb-types.js'

/**
 * A JS value as a DuckDB literal of the type Spark's `lit` gives it:
 * integers that fit 32 bits are INT, other integers BIGINT, other numbers
 * DOUBLE (DuckDB would read `1.5` as a DECIMAL), Dates TIMESTAMP, arrays
 * lists, Maps maps and plain objects structs.
 */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL'
  switch (typeof value) {
    case 'string':
      return quoteString(value)
    case 'boolean':
      return value ? 'TRUE' : 'FALSE'
    case 'bigint':
      return `CAST(${value} AS ${value >= -(2n ** 63n) && value < 2n ** 63n ? 'BIGINT' : 'HUGEINT'})`
    case 'number':
      if (!Number.isFinite(value)) return `CAST('${Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity'}' AS DOUBLE)`
      if (Number.isInteger(value)) return Math.abs(value) <= 0x7fffffff ? String(value) : `CAST(${value} AS BIGINT)`
      return `CAST(${value} AS DOUBLE)`
    case 'object':
      break
    default:
      throw new TypeError(`lit() cannot make a literal of a ${typeof value}; use a string, number, boolean, bigint, Date, array or plain object`)
  }
  if (value instanceof Date) return `CAST(${quoteString(value.toISOString().replace('T', ' ').replace('Z', ''))} AS TIMESTAMP)`
  if (value instanceof Uint8Array) return `from_hex(${quoteString(Buffer.from(value).toString('hex'))})`
  if (Array.isArray(value)) return `[${value.map(sqlLiteral).join(', ')}]`
  if (value instanceof Map) return `MAP {${[...value].map(([key, item]) => `${sqlLiteral(key)}: ${sqlLiteral(item)}`).join(', ')}}`
  return `{${Object.entries(value).map(([key, item]) => `${quoteString(key)}: ${sqlLiteral(item)}`).join(', ')}}`
}

/** How Spark names a literal column: the value as text (`1`, `a`, `true`, `NULL`). */
export function literalName(value: unknown): string {
  if (value === null || value === undefined) return 'NULL'
  if (value instanceof Date) return `TIMESTAMP '${value.toISOString().replace('T', ' ').replace('Z', '')}'`
  if (Array.isArray(value)) return `ARRAY(${value.map(literalName).join(', ')})`
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}
