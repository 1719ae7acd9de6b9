import { ArrayType, type DataType, DecimalType, MapType } from '../types/data-type.js'
import { StructType } from '../types/struct-type.js'

/**
 * A value as `show()` prints it: Spark's cast to string. Doubles print as
 * Java prints them (`1.0`, `1.0E10`), timestamps as `yyyy-MM-dd HH:mm:ss`
 * with the fraction trimmed (in UTC, the session time zone here), arrays
 * as `[a, b]`, structs as `{a, 1}`, maps as `{k -> v}`, binary as hex
 * bytes `[0A FF]`, null as `null`.
 */
export function cellString(value: unknown, type: DataType): string {
  if (value === null || value === undefined) return 'null'
  if (type instanceof ArrayType) return `[${(value as unknown[]).map((item) => cellString(item, type.elementType)).join(', ')}]`
  if (type instanceof StructType) {
    const record = value as Record<string, unknown>
    return `{${type.fields.map((field) => cellString(record[field.name], field.dataType)).join(', ')}}`
  }
  if (type instanceof MapType) {
    const entries = value instanceof Map ? [...value] : Object.entries(value as object)
    return `{${entries.map(([key, item]) => `${cellString(key, type.keyType)} -> ${cellString(item, type.valueType)}`).join(', ')}}`
  }
  if (type instanceof DecimalType && typeof value === 'number') return value.toFixed(type.scale)
  switch (type.typeName) {
    case 'double':
      return javaDoubleString(Number(value))
    case 'float':
      return javaDoubleString(shortestFloat(Number(value)))
    case 'timestamp':
      return value instanceof Date ? timestampString(value) : String(value)
    case 'date':
      return value instanceof Date ? value.toISOString().slice(0, 10) : String(value)
    case 'binary':
      return `[${[...(value as Uint8Array)].map((byte) => byte.toString(16).toUpperCase().padStart(2, '0')).join(' ')}]`
    case 'interval': {
      const { months, days, microseconds } = value as { months: number; days: number; microseconds: number }
      return `${months} months ${days} days ${microseconds} microseconds`
    }
    default:
      return String(value)
  }
}

/** Java's `Double.toString`: integral values keep `.0`; below 1e-3 or from 1e7 on, scientific as `1.0E7`. */
export function javaDoubleString(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity'
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0'
  const magnitude = Math.abs(value)
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const text = String(value)
    return text.includes('.') ? text : `${text}.0`
  }
  const [mantissa = '', exponent = ''] = value.toExponential().split('e')
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`
}

/** A FLOAT read back as a double (0.10000000149011612) as the shortest decimal of the same float, as Java's `Float.toString` prints it (0.1). */
function shortestFloat(value: number): number {
  if (!Number.isFinite(value)) return value
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits))
    if (Math.fround(candidate) === value) return candidate
  }
  return value
}

/** `yyyy-MM-dd HH:mm:ss[.fraction]` in UTC, trailing zeros of the fraction trimmed, as Spark prints timestamps. */
function timestampString(date: Date): string {
  const iso = date.toISOString()
  const fraction = iso.slice(20, 23).replace(/0+$/, '')
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction === '' ? '' : `.${fraction}`}`
}
