import { capture } from '../../closure/ship.js'
import type { DataTypeJson, StructFieldJson } from '../types/data-type.js'

/*
 * Schema inference from JS values, by API.md's rules: integral numbers →
 * long, other numbers → double, strings, booleans, Date → timestamp,
 * Uint8Array → binary, arrays → array<...>, Maps → map<...>, objects →
 * struct<...>; null is `void` until another value gives the column a type.
 *
 * These functions are shipped to workers (each partition infers its own
 * types while it encodes its rows), so each is self-contained: it reads
 * nothing from this module but what `capture` gives it.
 */

/** The wider of two inferred types: `void` yields to anything, long and double make double, structs merge field by field. */
export const mergeTypes = function mergeTypes(a: DataTypeJson, b: DataTypeJson, where: string): DataTypeJson {
  if (a === 'void') return b
  if (b === 'void') return a
  if (typeof a === 'string' && typeof b === 'string') {
    if (a === b) return a
    if ((a === 'long' && b === 'double') || (a === 'double' && b === 'long')) return 'double'
  } else if (typeof a === 'object' && typeof b === 'object') {
    if (a.type === 'array' && b.type === 'array') {
      return { type: 'array', elementType: mergeTypes(a.elementType, b.elementType, `${where}.element`), containsNull: true }
    }
    if (a.type === 'map' && b.type === 'map') {
      return {
        type: 'map',
        keyType: mergeTypes(a.keyType, b.keyType, `${where}.key`),
        valueType: mergeTypes(a.valueType, b.valueType, `${where}.value`),
        valueContainsNull: true,
      }
    }
    if (a.type === 'struct' && b.type === 'struct') {
      const fields: StructFieldJson[] = a.fields.map((field) => {
        const other = b.fields.find((candidate) => candidate.name === field.name)
        return other === undefined ? field : { name: field.name, type: mergeTypes(field.type, other.type, `${where}.${field.name}`), nullable: true }
      })
      for (const field of b.fields) if (!fields.some((known) => known.name === field.name)) fields.push(field)
      return { type: 'struct', fields }
    }
  }
  const describe = (type: DataTypeJson): string => (typeof type === 'string' ? (type === 'long' ? 'bigint' : type) : type.type)
  throw new TypeError(
    `Cannot merge the types ${describe(a)} and ${describe(b)} found in ${where}; ` +
      'make the values of a column one type, or give createDataFrame a schema such as "name string, n long"',
  )
}

/** The Spark type of one JS value, as Spark's JSON type form; `void` for null and undefined. */
export const inferType = capture({ mergeTypes }, function inferType(value: unknown, where: string): DataTypeJson {
  if (value === null || value === undefined) return 'void'
  switch (typeof value) {
    case 'string':
      return 'string'
    case 'boolean':
      return 'boolean'
    case 'number':
      return Number.isInteger(value) ? 'long' : 'double'
    case 'bigint':
      return 'long'
    case 'object':
      break
    default:
      throw new TypeError(`Cannot infer a Spark type for the ${typeof value} found in ${where}; rows hold strings, numbers, booleans, Dates, arrays and plain objects`)
  }
  if (value instanceof Date) return 'timestamp'
  if (value instanceof Uint8Array) return 'binary'
  if (Array.isArray(value)) {
    let elementType: DataTypeJson = 'void'
    for (const item of value) elementType = mergeTypes(elementType, inferType(item, `${where}.element`), `${where}.element`)
    return { type: 'array', elementType, containsNull: true }
  }
  if (value instanceof Map) {
    let keyType: DataTypeJson = 'void'
    let valueType: DataTypeJson = 'void'
    for (const [key, item] of value) {
      keyType = mergeTypes(keyType, inferType(key, `${where}.key`), `${where}.key`)
      valueType = mergeTypes(valueType, inferType(item, `${where}.value`), `${where}.value`)
    }
    return { type: 'map', keyType, valueType, valueContainsNull: true }
  }
  const fields: StructFieldJson[] = Object.keys(value).map((name) => ({
    name,
    type: inferType((value as Record<string, unknown>)[name], `${where}.${name}`),
    nullable: true,
  }))
  return { type: 'struct', fields }
})
