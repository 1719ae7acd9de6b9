import { DuckDBTypeId, JSToDuckDBValueConverter, type ToDuckDBValueConverter, mapValue, structValue } from '@duckdb/node-api'

/**
 * Plain JS values as DuckDB values, for columns of nested types: DuckDB's
 * own JS converter, made as lenient as schema inference is — a struct may
 * lack fields (null), a map may be a `Map`, a plain object or `[key,
 * value]` pairs, and a double may arrive as an integer or a bigint.
 */
export const toDuckDBValue: ToDuckDBValueConverter<unknown> = (value, type, self) => {
  if (value === null || value === undefined) return null
  switch (type.typeId) {
    case DuckDBTypeId.STRUCT: {
      const record = value as Record<string, unknown>
      const entries: Record<string, ReturnType<typeof self>> = {}
      type.entryNames.forEach((name, i) => {
        entries[name] = self(record[name], type.entryTypes[i]!, self)
      })
      return structValue(entries as Parameters<typeof structValue>[0])
    }
    case DuckDBTypeId.MAP: {
      const pairs: [unknown, unknown][] =
        value instanceof Map ? [...value] : Array.isArray(value) ? (value as [unknown, unknown][]) : Object.entries(value as object)
      return mapValue(pairs.map(([key, item]) => ({ key: self(key, type.keyType, self)!, value: self(item, type.valueType, self) })) as Parameters<typeof mapValue>[0])
    }
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.FLOAT:
      return typeof value === 'bigint' ? Number(value) : value as number
    default:
      return JSToDuckDBValueConverter(value as never, type, self as never)
  }
}
