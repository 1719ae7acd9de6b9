import { Packr, addExtension } from 'msgpackr'

import { NotSerializableError } from '../common/errors.js'

/** Classes whose instances msgpackr encodes and decodes faithfully (moreTypes). */
const SHIPPABLE_CLASSES: ReadonlySet<unknown> = new Set<unknown>([
  Object, Array, Map, Set, Date, RegExp, Error, ArrayBuffer, Buffer,
  Uint8Array, Uint8ClampedArray, Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
])

/**
 * Matches, through `instanceof`, any object that msgpackr would otherwise
 * flatten silently: functions, instances of user classes, and subclasses of
 * Map (such as KeyMap), which it would write as empty objects. msgpackr only
 * consults extensions for objects that are not plain objects, arrays or
 * Maps, so this check costs nothing on the usual data path.
 */
class NeedsConversion {
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'function' || value instanceof Map || !isShippableObject(value)
  }
}

function isShippableObject(value: unknown): boolean {
  const prototype: unknown = Object.getPrototypeOf(value)
  return prototype === null || SHIPPABLE_CLASSES.has((prototype as { constructor?: unknown }).constructor)
}

addExtension({
  Class: NeedsConversion,
  type: 0x7f,
  write(value: unknown): unknown {
    if (value instanceof Map) return new Map(value)
    throw new UnshippableValueSeen(value)
  },
  read(data: unknown): unknown {
    return data
  },
})

class UnshippableValueSeen extends Error {
  constructor(readonly value: unknown) {
    super('unshippable value')
  }
}

const packr = new Packr({ moreTypes: true, mapsAsObjects: false, useBigIntExtension: true })

/**
 * Encodes a value to msgpack bytes. The result is a view into a buffer that
 * the next `encode` call may reuse: copy it (or use `encodeShared`) before
 * encoding again.
 */
export function encode(value: unknown, where = 'value'): Uint8Array {
  try {
    return packr.pack(value)
  } catch (error) {
    throw explainEncodingFailure(error, value, where)
  }
}

/** Encodes a value into a SharedArrayBuffer, so threads can read it without a copy or a transfer. */
export function encodeShared(value: unknown, where = 'value'): Uint8Array {
  return copyToShared(encode(value, where))
}

/** Copies bytes into a new SharedArrayBuffer of exactly their length. */
export function copyToShared(bytes: Uint8Array): Uint8Array {
  const shared = new Uint8Array(new SharedArrayBuffer(bytes.byteLength))
  shared.set(bytes)
  return shared
}

export function decode<T>(bytes: Uint8Array): T {
  return packr.unpack(bytes) as T
}

function explainEncodingFailure(error: unknown, value: unknown, where: string): Error {
  const found = findUnshippable(value)
  if (found === null) return error instanceof Error ? error : new Error(String(error))
  const at = found.path === '' ? where : `${where}${found.path}`
  return new NotSerializableError(
    `Cannot ship ${/^[aeiou]/i.test(found.typeName) ? 'an' : 'a'} ${found.typeName} found at ${at}: data moving between threads must be ` +
      'strings, numbers, booleans, null, bigints, arrays, plain objects, Maps, Sets or Dates; ' +
      'turn it into plain data (for a class instance, copy its fields into an object)',
    at,
    found.typeName,
  )
}

/** Where in `value` the first value that cannot be shipped sits, as an accessor path such as `[3].handler`. */
export function findUnshippable(value: unknown, path = '', seen = new Set<object>()): { path: string; typeName: string } | null {
  switch (typeof value) {
    case 'function':
      return { path, typeName: value.name === '' ? 'function' : `function ${value.name}` }
    case 'symbol':
      return { path, typeName: 'symbol' }
    case 'object':
      break
    default:
      return null
  }
  if (value === null || seen.has(value)) return null
  seen.add(value)
  if (!isShippableObject(value) && !(value instanceof Map)) {
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } }).constructor?.name
    return { path, typeName: `instance of class ${name ?? '(anonymous)'}` }
  }
  if (value instanceof Map) {
    let index = 0
    for (const [key, entry] of value) {
      const found = findUnshippable(key, `${path}.keys()[${index}]`, seen) ?? findUnshippable(entry, `${path}.get(${describeKey(key)})`, seen)
      if (found !== null) return found
      index++
    }
    return null
  }
  if (value instanceof Set) {
    let index = 0
    for (const member of value) {
      const found = findUnshippable(member, `${path}.values()[${index++}]`, seen)
      if (found !== null) return found
    }
    return null
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnshippable(value[i], `${path}[${i}]`, seen)
      if (found !== null) return found
    }
    return null
  }
  if (ArrayBuffer.isView(value) || value instanceof Date || value instanceof RegExp) return null
  for (const key of Object.keys(value)) {
    const found = findUnshippable((value as Record<string, unknown>)[key], `${path}${propertyAccess(key)}`, seen)
    if (found !== null) return found
  }
  return null
}

function propertyAccess(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`
}

function describeKey(key: unknown): string {
  return typeof key === 'string' ? JSON.stringify(key) : String(key)
}
