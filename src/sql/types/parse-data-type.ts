import {
  ATOMIC_TYPES, ArrayType, BinaryType, BooleanType, ByteType, DataType, type DataTypeJson, DateType, DecimalType,
  DoubleType, FloatType, IntegerType, LongType, MapType, NullType, ShortType, StringType, TimestampType,
} from './data-type.js'
import { StructField, StructType } from './struct-type.js'

/** Type names as Spark's DDL parser reads them, lower-cased. */
const ATOMIC_BY_NAME: ReadonlyMap<string, DataType> = new Map<string, DataType>([
  ...ATOMIC_TYPES.map((type) => [type.typeName, type] as const),
  ...ATOMIC_TYPES.map((type) => [type.simpleString(), type] as const),
  ['varchar', StringType], ['char', StringType], ['text', StringType],
  ['bigint', LongType], ['int', IntegerType], ['smallint', ShortType], ['tinyint', ByteType],
  ['real', FloatType], ['bool', BooleanType], ['timestamp_ntz', TimestampType], ['timestamp_ltz', TimestampType],
  ['bytes', BinaryType], ['null', NullType],
])

/** The DataType of Spark's JSON form, as shipped back from workers. */
export function dataTypeFromJson(json: DataTypeJson): DataType {
  if (typeof json === 'string') return parseDataType(json)
  switch (json.type) {
    case 'array':
      return new ArrayType(dataTypeFromJson(json.elementType), json.containsNull)
    case 'map':
      return new MapType(dataTypeFromJson(json.keyType), dataTypeFromJson(json.valueType), json.valueContainsNull)
    case 'struct':
      return new StructType(json.fields.map((field) => new StructField(field.name, dataTypeFromJson(field.type), field.nullable)))
  }
}

/** A type written as in Spark SQL: `string`, `bigint`, `decimal(10,2)`, `array<string>`, `struct<a:int,b:string>`, `map<string,int>`. */
export function parseDataType(text: string): DataType {
  const parser = new DdlParser(text)
  const type = parser.dataType()
  parser.expectEnd()
  return type
}

/**
 * A schema written as a DDL string, as Spark's `StructType.fromDDL`:
 * `"word string, n long"`, with `NOT NULL`, backquoted names and nested
 * types allowed.
 */
export function parseSchema(ddl: string): StructType {
  const parser = new DdlParser(ddl)
  const fields: StructField[] = []
  do fields.push(parser.field(' ')); while (parser.accept(','))
  parser.expectEnd()
  return new StructType(fields)
}

/** A small recursive-descent reader over DDL text; `#at` is the offset of the next unread character. */
class DdlParser {
  #at = 0

  constructor(readonly text: string) {}

  dataType(): DataType {
    const name = this.#word().toLowerCase()
    if (name === 'array') {
      this.#expect('<')
      const element = this.dataType()
      this.#expect('>')
      return new ArrayType(element)
    }
    if (name === 'map') {
      this.#expect('<')
      const key = this.dataType()
      this.#expect(',')
      const value = this.dataType()
      this.#expect('>')
      return new MapType(key, value)
    }
    if (name === 'struct') {
      this.#expect('<')
      const fields: StructField[] = []
      if (!this.accept('>')) {
        do fields.push(this.field(':')); while (this.accept(','))
        this.#expect('>')
      }
      return new StructType(fields)
    }
    if (name === 'decimal' || name === 'dec' || name === 'numeric') {
      if (!this.accept('(')) return new DecimalType()
      const precision = Number(this.#word())
      const scale = this.accept(',') ? Number(this.#word()) : 0
      this.#expect(')')
      return new DecimalType(precision, scale)
    }
    const atomic = ATOMIC_BY_NAME.get(name)
    if (atomic === undefined) this.#fail(`unknown data type ${JSON.stringify(name)}`)
    // varchar(20) and char(1) are strings of any length here.
    if ((name === 'varchar' || name === 'char') && this.accept('(')) {
      this.#word()
      this.#expect(')')
    }
    return atomic
  }

  /** `name type [NOT NULL]`, with `separator` (':' inside struct<>) optional between name and type. */
  field(separator: ':' | ' '): StructField {
    const name = this.#name()
    if (separator === ':') this.#expect(':')
    else this.accept(':')
    const type = this.dataType()
    let nullable = true
    this.#skipSpace()
    if (/^not\s+null\b/i.test(this.text.slice(this.#at))) {
      this.#at += /^not\s+null/i.exec(this.text.slice(this.#at))![0].length
      nullable = false
    }
    return new StructField(name, type, nullable)
  }

  accept(token: string): boolean {
    this.#skipSpace()
    if (!this.text.startsWith(token, this.#at)) return false
    this.#at += token.length
    return true
  }

  expectEnd(): void {
    this.#skipSpace()
    if (this.#at < this.text.length) this.#fail(`unexpected ${JSON.stringify(this.text.slice(this.#at, this.#at + 10))}`)
  }

  #expect(token: string): void {
    if (!this.accept(token)) this.#fail(`expected ${JSON.stringify(token)}`)
  }

  #name(): string {
    this.#skipSpace()
    if (this.text[this.#at] !== '`') return this.#word()
    const end = this.text.indexOf('`', this.#at + 1)
    if (end < 0) this.#fail('unclosed backquote')
    const name = this.text.slice(this.#at + 1, end)
    this.#at = end + 1
    return name
  }

  #word(): string {
    this.#skipSpace()
    const match = /^[A-Za-z_0-9]+/.exec(this.text.slice(this.#at))
    if (match === null) this.#fail('expected a name or a type')
    this.#at += match[0].length
    return match[0]
  }

  #skipSpace(): void {
    while (this.#at < this.text.length && /\s/.test(this.text[this.#at]!)) this.#at++
  }

  #fail(problem: string): never {
    throw new SyntaxError(`Cannot parse the schema ${JSON.stringify(this.text)} at position ${this.#at}: ${problem}; write it as "name type, ..." with Spark type names, e.g. "word string, n long"`)
  }
}
