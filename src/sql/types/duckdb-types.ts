import { type DuckDBType, DuckDBTypeId } from '@duckdb/node-api'

import {
  ArrayType, BinaryType, BooleanType, ByteType, CalendarIntervalType, type DataType, DateType, DecimalType, DoubleType,
  FloatType, IntegerType, LongType, MapType, NullType, ShortType, StringType, TimestampType,
} from './data-type.js'
import { StructField, StructType } from './struct-type.js'

/**
 * The Spark type a DuckDB result column reports. DuckDB widens sums of
 * integers to HUGEINT where Spark keeps `bigint`, so HUGEINT reads as
 * LongType (its values still come back exact: as numbers where they fit,
 * bigints beyond 2^53). Types Spark lacks read as their nearest Spark type
 * (TIME, UUID and ENUM as strings).
 */
export function sparkTypeOf(type: DuckDBType): DataType {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return BooleanType
    case DuckDBTypeId.TINYINT:
      return ByteType
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.UTINYINT:
      return ShortType
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.USMALLINT:
      return IntegerType
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.HUGEINT:
      return LongType
    case DuckDBTypeId.UBIGINT:
      return new DecimalType(20, 0)
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
      return new DecimalType(38, 0)
    case DuckDBTypeId.FLOAT:
      return FloatType
    case DuckDBTypeId.DOUBLE:
      return DoubleType
    case DuckDBTypeId.DECIMAL:
      return new DecimalType(type.width, type.scale)
    case DuckDBTypeId.DATE:
      return DateType
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return TimestampType
    case DuckDBTypeId.INTERVAL:
      return CalendarIntervalType
    case DuckDBTypeId.BLOB:
    case DuckDBTypeId.BIT:
    case DuckDBTypeId.GEOMETRY:
      return BinaryType
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return new ArrayType(sparkTypeOf(type.valueType))
    case DuckDBTypeId.MAP:
      return new MapType(sparkTypeOf(type.keyType), sparkTypeOf(type.valueType))
    case DuckDBTypeId.STRUCT:
      return new StructType(type.entryNames.map((name, i) => new StructField(name, sparkTypeOf(type.entryTypes[i]!))))
    case DuckDBTypeId.SQLNULL:
      return NullType
    default:
      return StringType
  }
}

/** The DuckDB column type that stores a Spark type, as SQL text for CREATE TABLE and CAST. */
export function duckdbTypeSql(type: DataType): string {
  if (type instanceof ArrayType) return `${duckdbTypeSql(type.elementType)}[]`
  if (type instanceof MapType) return `MAP(${duckdbTypeSql(type.keyType)}, ${duckdbTypeSql(type.valueType)})`
  if (type instanceof StructType) return `STRUCT(${type.fields.map((field) => `${quoteIdentifier(field.name)} ${duckdbTypeSql(field.dataType)}`).join(', ')})`
  if (type instanceof DecimalType) return `DECIMAL(${type.precision}, ${type.scale})`
  const name = DUCKDB_ATOMIC.get(type.typeName)
  if (name === undefined) throw new TypeError(`No DuckDB column type for the Spark type ${type.simpleString()}`)
  return name
}

const DUCKDB_ATOMIC: ReadonlyMap<string, string> = new Map([
  ['string', 'VARCHAR'], ['long', 'BIGINT'], ['integer', 'INTEGER'], ['short', 'SMALLINT'], ['byte', 'TINYINT'],
  ['double', 'DOUBLE'], ['float', 'FLOAT'], ['boolean', 'BOOLEAN'], ['timestamp', 'TIMESTAMP'], ['date', 'DATE'],
  ['binary', 'BLOB'], ['interval', 'INTERVAL'],
  // A column that held only nulls: Spark would refuse to infer it; a string column keeps the nulls.
  ['void', 'VARCHAR'],
])

/** `name` as a DuckDB identifier, always quoted so that keywords and any character are safe. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** `text` as a DuckDB string literal. */
export function quoteString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`
}
