export { SparkSession } from './spark-session.js'
export type { SparkSessionBuilder } from './spark-session-builder.js'
export { DataFrame } from './data-frame.js'
export { GroupedData } from './grouped-data.js'
export { CaseColumn, Column, type SortDirection } from './column.js'
export { Row } from './row.js'
export { Catalog, type Table } from './catalog.js'
export { RuntimeConfig } from './runtime-config.js'
export type { DataFrameReader } from './data-frame-reader.js'
export type { DataFrameWriter } from './data-frame-writer.js'
export * as functions from './functions.js'
export {
  array_contains, asc, avg, coalesce, col, collect_list, collect_set, column, concat, concat_ws, count, countDistinct,
  current_timestamp, date_format, desc, element_at, explode, explode_outer, expr, first, last, length, lit, lower, max,
  mean, min, nvl, size, split, sum, to_timestamp, trim, upper, when, window, type ColumnOrName,
} from './functions.js'
export {
  ArrayType, BinaryType, BooleanType, ByteType, CalendarIntervalType, DataType, DateType, DecimalType, DoubleType,
  FloatType, IntegerType, LongType, MapType, NullType, ShortType, StringType, TimestampType,
} from './types/data-type.js'
export { StructField, StructType } from './types/struct-type.js'
export { parseDataType, parseSchema } from './types/parse-data-type.js'
