import {
  type DuckDBDecimalValue, type DuckDBIntervalValue, type DuckDBMapValue, DuckDBTypeId, type DuckDBValueConverter,
  JSDuckDBValueConverter,
} from '@duckdb/node-api'

/**
 * DuckDB values as plain JS, as API.md promises: integers as numbers while
 * they fit (bigint only beyond 2^53), decimals as numbers, timestamps and
 * dates as `Date`, lists as arrays, structs as objects, maps as `Map`,
 * times and UUIDs as strings. Nested values convert through the same
 * rules.
 */
export const toJsValue: DuckDBValueConverter<unknown> = (value, type, self) => {
  if (value === null) return null
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
      return toNumberIfSafe(value as bigint)
    case DuckDBTypeId.DECIMAL:
      return (value as DuckDBDecimalValue).toDouble()
    case DuckDBTypeId.MAP:
      return new Map((value as DuckDBMapValue).entries.map((entry) => [self(entry.key, type.keyType, self), self(entry.value, type.valueType, self)]))
    case DuckDBTypeId.INTERVAL: {
      const interval = value as DuckDBIntervalValue
      return { months: interval.months, days: interval.days, microseconds: toNumberIfSafe(interval.micros) }
    }
    case DuckDBTypeId.TIME:
    case DuckDBTypeId.TIME_TZ:
    case DuckDBTypeId.TIME_NS:
    case DuckDBTypeId.UUID:
      return String(value)
    default:
      return JSDuckDBValueConverter(value, type, self as typeof JSDuckDBValueConverter)
  }
}

function toNumberIfSafe(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value
}
