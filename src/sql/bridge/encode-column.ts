import type { DataTypeJson } from '../types/data-type.js'

/**
 * One column of a partition, laid out as a DuckDB vector wants it, so that
 * the driver only copies bytes into data chunks:
 *
 * - `fixed`: numbers, booleans, dates and timestamps, `width` bytes per
 *   row, little-endian, as DuckDB stores them (timestamps in microseconds,
 *   dates in days since 1970-01-01);
 * - `string`: DuckDB's 16-byte `duckdb_string_t` per row with strings of up
 *   to 12 UTF-8 bytes inlined; longer strings are listed by row and
 *   assigned one by one;
 * - `null`: every value is null;
 * - `values`: nested and rare types, as JS values the driver converts.
 *
 * `validity` is DuckDB's bitmask (bit set = not null), 64 rows per 8 bytes;
 * null when the column has no nulls.
 */
export type EncodedColumn =
  | { readonly kind: 'null' }
  | { readonly kind: 'fixed'; readonly width: number; readonly bytes: Uint8Array; readonly validity: Uint8Array | null }
  | {
      readonly kind: 'string'
      readonly bytes: Uint8Array
      readonly validity: Uint8Array | null
      readonly longRows: readonly number[]
      readonly longValues: readonly string[]
    }
  | { readonly kind: 'values'; readonly values: readonly unknown[] }

/**
 * Encodes `values` as a column of Spark type `type`; throws a TypeError
 * naming `where` for a value the type cannot hold. Shipped to workers:
 * self-contained.
 */
export function encodeColumn(values: readonly unknown[], type: DataTypeJson, where: string): EncodedColumn {
  const count = values.length
  if (type === 'void') return { kind: 'null' }
  const widths: Record<string, number> = { boolean: 1, byte: 1, short: 2, integer: 4, long: 8, float: 4, double: 8, date: 4, timestamp: 8 }
  const width = typeof type === 'string' ? widths[type] : undefined
  if (type !== 'string' && width === undefined) {
    return { kind: 'values', values: values.map((value) => (value === undefined ? null : value)) }
  }

  let validity: Uint8Array | null = null
  const markNull = (row: number): void => {
    if (validity === null) validity = new Uint8Array(Math.ceil(count / 64) * 8).fill(0xff)
    validity[row >> 3]! &= ~(1 << (row & 7))
  }
  const reject = (value: unknown): never => {
    const shown = typeof value === 'bigint' ? `${value}n` : value instanceof Date ? value.toISOString() : JSON.stringify(value)
    throw new TypeError(`${where}: ${type === 'long' ? 'bigint' : String(type)} can not accept ${shown} (${value instanceof Date ? 'Date' : typeof value}); fix the value or declare the column with a matching type`)
  }

  if (type === 'string') {
    // Inline strings are written straight into the 16-byte slots: length, then up to 12 UTF-8 bytes, zero padded.
    const bytes = new Uint8Array(count * 16)
    const view = new DataView(bytes.buffer)
    const encoder = new TextEncoder()
    const longRows: number[] = []
    const longValues: string[] = []
    for (let row = 0; row < count; row++) {
      const value = values[row]
      if (value === null || value === undefined) {
        markNull(row)
        continue
      }
      if (typeof value !== 'string') reject(value)
      const text = value as string
      const base = row * 16
      let inlined = text.length <= 12
      if (inlined) {
        for (let i = 0; i < text.length; i++) {
          const code = text.charCodeAt(i)
          if (code >= 0x80) {
            inlined = false
            break
          }
          bytes[base + 4 + i] = code
        }
        if (inlined) {
          view.setUint32(base, text.length, true)
        } else {
          bytes.fill(0, base + 4, base + 16)
          const { read, written } = encoder.encodeInto(text, bytes.subarray(base + 4, base + 16))
          if (read === text.length) {
            view.setUint32(base, written, true)
            inlined = true
          } else {
            bytes.fill(0, base + 4, base + 16)
          }
        }
      }
      if (!inlined) {
        longRows.push(row)
        longValues.push(text)
      }
    }
    return { kind: 'string', bytes, validity, longRows, longValues }
  }

  const bytes = new Uint8Array(count * width!)
  const buffer = bytes.buffer
  const int32 = width === 8 && type !== 'double' ? new Int32Array(buffer) : null
  // Writes an integer of up to 2^53 (or a bigint) as int64: low 32 bits, then high 32 bits.
  const writeInt64 = (row: number, value: number | bigint): void => {
    if (typeof value === 'bigint') {
      new DataView(buffer).setBigInt64(row * 8, value, true)
      return
    }
    const high = Math.floor(value / 4294967296)
    int32![row * 2] = (value - high * 4294967296) | 0
    int32![row * 2 + 1] = high
  }
  const typed =
    type === 'boolean' || type === 'byte' ? new Int8Array(buffer)
      : type === 'short' ? new Int16Array(buffer)
        : type === 'integer' || type === 'date' ? new Int32Array(buffer)
          : type === 'float' ? new Float32Array(buffer)
            : type === 'double' ? new Float64Array(buffer)
              : null
  const limits: Record<string, number> = { byte: 0x7f, short: 0x7fff, integer: 0x7fffffff }
  for (let row = 0; row < count; row++) {
    const value = values[row]
    if (value === null || value === undefined) {
      markNull(row)
      continue
    }
    switch (type) {
      case 'boolean':
        if (typeof value !== 'boolean') reject(value)
        typed![row] = value ? 1 : 0
        break
      case 'double':
      case 'float':
        if (typeof value !== 'number') reject(value)
        typed![row] = value as number
        break
      case 'long':
        if (typeof value === 'bigint') {
          if (value < -(2n ** 63n) || value >= 2n ** 63n) reject(value)
        } else if (typeof value !== 'number' || !Number.isInteger(value)) {
          reject(value)
        }
        writeInt64(row, value as number | bigint)
        break
      case 'timestamp':
        if (!(value instanceof Date) || Number.isNaN(value.getTime())) reject(value)
        writeInt64(row, (value as Date).getTime() * 1000)
        break
      case 'date':
        if (!(value instanceof Date) || Number.isNaN(value.getTime())) reject(value)
        typed![row] = Math.floor((value as Date).getTime() / 86400000)
        break
      default: {
        const limit = limits[type as string]!
        if (typeof value !== 'number' || !Number.isInteger(value) || value > limit || value < -limit - 1) reject(value)
        typed![row] = value as number
      }
    }
  }
  return { kind: 'fixed', width: width!, bytes, validity }
}
