import { ArrayType, DataType, type DataTypeJson, MapType } from './data-type.js'

/** One named column (or struct member) of a schema. */
export class StructField {
  constructor(
    readonly name: string,
    readonly dataType: DataType,
    readonly nullable = true,
  ) {
    if (typeof name !== 'string') throw new TypeError(`A StructField needs a string name, got ${typeof name}`)
    if (!(dataType instanceof DataType)) throw new TypeError(`StructField ${JSON.stringify(name)} needs a DataType such as StringType or LongType, got ${String(dataType)}`)
  }

  toString(): string {
    return `StructField(${this.name},${String(this.dataType)},${this.nullable})`
  }
}

/**
 * A row's type: its named, typed fields, in order. A DataFrame's schema is
 * a StructType; so is the type of a struct column.
 *
 * @example
 * const schema = new StructType().add('word', StringType).add('n', LongType, false)
 */
export class StructType extends DataType {
  readonly fields: readonly StructField[]

  constructor(fields: readonly StructField[] = []) {
    super()
    this.fields = fields
  }

  /** A new StructType with `name` appended. */
  add(name: string, dataType: DataType, nullable = true): StructType {
    return new StructType([...this.fields, new StructField(name, dataType, nullable)])
  }

  get length(): number {
    return this.fields.length
  }

  fieldNames(): string[] {
    return this.fields.map((field) => field.name)
  }

  /** The field called `name` (compared without case, as Spark's analyzer does), or null. */
  field(name: string): StructField | null {
    const lower = name.toLowerCase()
    return this.fields.find((field) => field.name.toLowerCase() === lower) ?? null
  }

  get typeName(): string {
    return 'struct'
  }

  simpleString(): string {
    return `struct<${this.fields.map((field) => `${field.name}:${field.dataType.simpleString()}`).join(',')}>`
  }

  json(): DataTypeJson {
    return { type: 'struct', fields: this.fields.map((field) => ({ name: field.name, type: field.dataType.json(), nullable: field.nullable })) }
  }

  /** Spark's `treeString`: `root`, then ` |-- name: type (nullable = true)` per field, nested types indented below their field. */
  treeString(): string {
    const lines = ['root']
    appendFields(this, ' |', lines)
    return `${lines.join('\n')}\n`
  }

  override toString(): string {
    return `StructType(${this.fields.map(String).join(',')})`
  }
}

function appendFields(struct: StructType, prefix: string, lines: string[]): void {
  for (const field of struct.fields) {
    lines.push(`${prefix}-- ${field.name}: ${field.dataType.typeName} (nullable = ${field.nullable})`)
    appendNested(field.dataType, `${prefix}    |`, lines)
  }
}

/** Spark's `DataType.buildFormattedString`: what sits below a field of a nested type. */
function appendNested(type: DataType, prefix: string, lines: string[]): void {
  if (type instanceof StructType) {
    appendFields(type, prefix, lines)
  } else if (type instanceof ArrayType) {
    lines.push(`${prefix}-- element: ${type.elementType.typeName} (containsNull = ${type.containsNull})`)
    appendNested(type.elementType, `${prefix}    |`, lines)
  } else if (type instanceof MapType) {
    lines.push(`${prefix}-- key: ${type.keyType.typeName}`)
    lines.push(`${prefix}-- value: ${type.valueType.typeName} (valueContainsNull = ${type.valueContainsNull})`)
    appendNested(type.keyType, `${prefix}    |`, lines)
    appendNested(type.valueType, `${prefix}    |`, lines)
  }
}
