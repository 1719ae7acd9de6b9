/**
 * Spark's JSON form of a data type (`DataType.json`): plain data, so a
 * schema can be shipped to workers with the function that encodes rows.
 */
export type DataTypeJson =
  | string
  | { readonly type: 'array'; readonly elementType: DataTypeJson; readonly containsNull: boolean }
  | { readonly type: 'map'; readonly keyType: DataTypeJson; readonly valueType: DataTypeJson; readonly valueContainsNull: boolean }
  | { readonly type: 'struct'; readonly fields: readonly StructFieldJson[] }

export interface StructFieldJson {
  readonly name: string
  readonly type: DataTypeJson
  readonly nullable: boolean
}

/**
 * The type of a column or of a value inside one, named as Spark names it:
 * `typeName` is what `printSchema()` prints (`long`, `integer`), and
 * `simpleString()` what `dtypes()` returns (`bigint`, `int`,
 * `array<string>`).
 */
export abstract class DataType {
  abstract get typeName(): string

  abstract simpleString(): string

  abstract json(): DataTypeJson

  equals(other: DataType): boolean {
    return JSON.stringify(this.json()) === JSON.stringify(other.json())
  }

  toString(): string {
    return this.simpleString()
  }
}

/** A type without inner types: strings, numbers, booleans, times. */
export class AtomicType extends DataType {
  readonly #typeName: string
  readonly #simple: string

  constructor(typeName: string, simple: string, readonly className: string) {
    super()
    this.#typeName = typeName
    this.#simple = simple
  }

  get typeName(): string {
    return this.#typeName
  }

  simpleString(): string {
    return this.#simple
  }

  json(): DataTypeJson {
    return this.#typeName
  }

  override toString(): string {
    return this.className
  }
}

export const StringType = new AtomicType('string', 'string', 'StringType')
export const LongType = new AtomicType('long', 'bigint', 'LongType')
export const IntegerType = new AtomicType('integer', 'int', 'IntegerType')
export const ShortType = new AtomicType('short', 'smallint', 'ShortType')
export const ByteType = new AtomicType('byte', 'tinyint', 'ByteType')
export const DoubleType = new AtomicType('double', 'double', 'DoubleType')
export const FloatType = new AtomicType('float', 'float', 'FloatType')
export const BooleanType = new AtomicType('boolean', 'boolean', 'BooleanType')
export const TimestampType = new AtomicType('timestamp', 'timestamp', 'TimestampType')
export const DateType = new AtomicType('date', 'date', 'DateType')
export const BinaryType = new AtomicType('binary', 'binary', 'BinaryType')
/** Spark's `CalendarIntervalType`: what DuckDB's INTERVAL values read as. */
export const CalendarIntervalType = new AtomicType('interval', 'interval', 'CalendarIntervalType')
/** The type of a column that is only ever null (Spark 3 calls it `void`). */
export const NullType = new AtomicType('void', 'void', 'NullType')

export const ATOMIC_TYPES: readonly AtomicType[] = [
  StringType, LongType, IntegerType, ShortType, ByteType, DoubleType, FloatType,
  BooleanType, TimestampType, DateType, BinaryType, CalendarIntervalType, NullType,
]

export class DecimalType extends DataType {
  constructor(
    readonly precision = 10,
    readonly scale = 0,
  ) {
    super()
    if (!Number.isInteger(precision) || precision < 1 || precision > 38) throw new RangeError(`Decimal precision must be an integer from 1 to 38, got ${precision}`)
    if (!Number.isInteger(scale) || scale < 0 || scale > precision) throw new RangeError(`Decimal scale must be an integer from 0 to the precision ${precision}, got ${scale}`)
  }

  get typeName(): string {
    return `decimal(${this.precision},${this.scale})`
  }

  simpleString(): string {
    return this.typeName
  }

  json(): DataTypeJson {
    return this.typeName
  }
}

export class ArrayType extends DataType {
  constructor(
    readonly elementType: DataType,
    readonly containsNull = true,
  ) {
    super()
  }

  get typeName(): string {
    return 'array'
  }

  simpleString(): string {
    return `array<${this.elementType.simpleString()}>`
  }

  json(): DataTypeJson {
    return { type: 'array', elementType: this.elementType.json(), containsNull: this.containsNull }
  }
}

export class MapType extends DataType {
  constructor(
    readonly keyType: DataType,
    readonly valueType: DataType,
    readonly valueContainsNull = true,
  ) {
    super()
  }

  get typeName(): string {
    return 'map'
  }

  simpleString(): string {
    return `map<${this.keyType.simpleString()},${this.valueType.simpleString()}>`
  }

  json(): DataTypeJson {
    return { type: 'map', keyType: this.keyType.json(), valueType: this.valueType.json(), valueContainsNull: this.valueContainsNull }
  }
}
