import { describe, expect, it } from 'vitest'

import {
  ArrayType, DecimalType, DoubleType, IntegerType, LongType, MapType, StringType, StructField, StructType, TimestampType,
  parseDataType, parseSchema,
} from '../../../src/index.js'
import { thrownBy } from '../../support/rejection.js'

describe('data types', () => {
  it('name types as printSchema (typeName) and dtypes (simpleString) do in Spark', () => {
    expect([LongType, IntegerType, StringType, DoubleType, TimestampType].map((type) => type.typeName)).toEqual(['long', 'integer', 'string', 'double', 'timestamp'])
    expect([LongType, IntegerType, StringType, DoubleType, TimestampType].map((type) => type.simpleString())).toEqual(['bigint', 'int', 'string', 'double', 'timestamp'])
    expect(new ArrayType(StringType).simpleString()).toBe('array<string>')
    expect(new MapType(StringType, LongType).simpleString()).toBe('map<string,bigint>')
    expect(new StructType().add('a', IntegerType).add('b', new ArrayType(LongType)).simpleString()).toBe('struct<a:int,b:array<bigint>>')
    expect(new DecimalType(10, 2).typeName).toBe('decimal(10,2)')
  })

  it('prints a nested schema as Spark’s treeString', () => {
    const schema = new StructType([
      new StructField('word', StringType),
      new StructField('n', LongType, false),
      new StructField('tags', new ArrayType(StringType)),
      new StructField('point', new StructType().add('x', DoubleType).add('y', DoubleType)),
      new StructField('counts', new MapType(StringType, new ArrayType(IntegerType, false))),
    ])

    expect(schema.treeString()).toBe(
      [
        'root',
        ' |-- word: string (nullable = true)',
        ' |-- n: long (nullable = false)',
        ' |-- tags: array (nullable = true)',
        ' |    |-- element: string (containsNull = true)',
        ' |-- point: struct (nullable = true)',
        ' |    |-- x: double (nullable = true)',
        ' |    |-- y: double (nullable = true)',
        ' |-- counts: map (nullable = true)',
        ' |    |-- key: string',
        ' |    |-- value: array (valueContainsNull = true)',
        ' |    |    |-- element: integer (containsNull = false)',
        '',
      ].join('\n'),
    )
  })

  it('parses DDL schemas with Spark’s type names, NOT NULL and backquoted names', () => {
    const schema = parseSchema('word string, n long NOT NULL, `odd name` array<int>, s struct<a: bigint, b: string>, m map<string,double>, d decimal(5,2)')

    expect(schema.fields.map((field) => [field.name, field.dataType.simpleString(), field.nullable])).toEqual([
      ['word', 'string', true],
      ['n', 'bigint', false],
      ['odd name', 'array<int>', true],
      ['s', 'struct<a:bigint,b:string>', true],
      ['m', 'map<string,double>', true],
      ['d', 'decimal(5,2)', true],
    ])
    expect(parseDataType('ARRAY<STRING>').equals(new ArrayType(StringType))).toBe(true)
  })

  it('rejects a DDL string it cannot read, naming the position and the expected form', () => {
    const error = thrownBy(() => parseSchema('word strng'))

    expect(error).toBeInstanceOf(SyntaxError)
    expect(error.message).toMatch(/Cannot parse the schema "word strng" at position 10: unknown data type "strng"; write it as "name type, \.\.\."/)
  })
})
