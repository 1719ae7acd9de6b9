/**
 * What a key is, for every keyed operation (API.md, "Conventions"): keys are strings, numbers,
 * booleans, null, or arrays and plain objects of those, and two keys are the same key when their
 * contents are equal. This module gives that equality, the hash that picks a key's partition, and
 * the order that sorting actions use. Sorting also meets bigints and Dates, so they are keys too:
 * a Date equals a Date of the same time, and 1n is a different key from 1 (as Java's Long 1 is
 * from Integer 1) that sorts right after it.
 */

// Kinds in the order compareKeys puts them; values of different kinds compare by rank alone.
const Rank = { Absent: 0, Boolean: 1, Number: 2, String: 3, Date: 4, Array: 5, Object: 6 } as const

// Fixed hashes: Java's Boolean.hashCode values and Scala's null.##; undefined takes one of its own.
const TRUE_HASH = 1231
const FALSE_HASH = 1237
const NULL_HASH = 0
const UNDEFINED_HASH = 0x2f0b3c11
// Every NaN bit pattern is one key, so they share one hash.
const NAN_HASH = 0x7ff80000

// Scratch space for reading a double's bytes; explicit little-endian so every machine agrees.
const float64 = new DataView(new ArrayBuffer(8))

/**
 * A canonical string for a composite key (array, plain object or Date), equal for equal keys:
 * object entries sorted by property name, every value tagged by kind so `["1"]` and `[1]` differ,
 * -0 written as 0 and every NaN as NaN.
 *
 * @example
 * canonicalKey({ b: 2, a: ['x', 1] }) // '{"a":["x",#1],"b":#2}'
 */
export function canonicalKey(key: object): string {
  return encodeKey(key)
}

function encodeKey(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'number':
      // `${-0}` is "0" and `${NaN}` is "NaN", which is the normalisation key equality needs.
      return `#${value}`
    case 'bigint':
      return `${value}n`
    case 'boolean':
    case 'undefined':
      return String(value)
  }
  switch (rankOf(value)) {
    case Rank.Absent:
      return 'null'
    case Rank.Date:
      return `@${(value as Date).getTime()}`
    // Written for speed, as this runs once per composite record in a shuffle: concatenating in a loop
    // is twice as fast as the plain `Array.from(array, encodeKey).join(',')`.
    case Rank.Array: {
      const array = value as unknown[]
      let text = '['
      for (let i = 0; i < array.length; i++) text += (i === 0 ? '' : ',') + encodeKey(array[i])
      return `${text}]`
    }
    default: {
      const object = value as Record<string, unknown>
      let text = '{'
      for (const name of Object.keys(object).sort()) {
        text += `${text.length === 1 ? '' : ','}${JSON.stringify(name)}:${encodeKey(object[name])}`
      }
      return `${text}}`
    }
  }
}

/**
 * A 32-bit signed hash of a key, the same for equal keys on every thread, process and machine.
 * Partitioning depends on it, so changing it moves keys between partitions across versions.
 * Strings hash as murmur3_32 (x86, seed 0) of their UTF-16LE bytes; numbers that are 32-bit
 * integers as murmur3_32 of their 4 little-endian bytes, other numbers of their 8 float64 bytes
 * (-0 is 0, every NaN one value); bigints as their decimal string; composite keys as their
 * {@link canonicalKey}.
 *
 * @example
 * nonNegativeMod(hashKey(['user-a', 'walk']), numPartitions) // the key's partition
 */
export function hashKey(key: unknown): number {
  switch (typeof key) {
    case 'string':
      return hashString(key)
    case 'number':
      return hashNumber(key)
    case 'boolean':
      return key ? TRUE_HASH : FALSE_HASH
    case 'undefined':
      return UNDEFINED_HASH
    case 'bigint':
      return hashString(key.toString())
    case 'object':
      return key === null ? NULL_HASH : hashString(canonicalKey(key))
  }
  throw notAKey(key)
}

function hashString(text: string): number {
  const length = text.length
  let hash = 0
  let i = 0
  for (; i + 1 < length; i += 2) hash = mixBlock(hash, text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16))
  if (i < length) hash ^= scramble(text.charCodeAt(i))
  return finalize(hash, length * 2)
}

function hashNumber(x: number): number {
  // Small integers, the usual numeric keys, skip the float64 bytes; `-0 | 0` is 0, so -0 hashes as 0.
  if ((x | 0) === x) return finalize(mixBlock(0, x), 4)
  if (x !== x) return NAN_HASH
  float64.setFloat64(0, x, true)
  return finalize(mixBlock(mixBlock(0, float64.getInt32(0, true)), float64.getInt32(4, true)), 8)
}

// murmur3_32's steps, from https://github.com/aappleby/smhasher/blob/master/src/MurmurHash3.cpp.
function scramble(block: number): number {
  const k = Math.imul(block, 0xcc9e2d51)
  return Math.imul((k << 15) | (k >>> 17), 0x1b873593)
}

function mixBlock(hash: number, block: number): number {
  const h = hash ^ scramble(block)
  return (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0
}

function finalize(hash: number, byteLength: number): number {
  let h = hash ^ byteLength
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return h ^ (h >>> 16)
}

/** Non-negative modulo for partition numbers: Spark's `Utils.nonNegativeMod`. */
export function nonNegativeMod(x: number, mod: number): number {
  const rawMod = x % mod
  // `-8 % 8` is -0 in JavaScript; adding 0 makes it the plain 0 that callers compare and index with.
  return rawMod < 0 ? rawMod + mod : rawMod + 0
}

/**
 * True when `a` and `b` are the same key by value: contents equal, plain objects whatever the
 * order of their properties, -0 the same as 0, NaN the same as NaN.
 *
 * @example
 * keysEqual({ user: 'a', n: 1 }, { n: 1, user: 'a' }) // true
 */
export function keysEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  // Composite keys are equal exactly when compareKeys says so, which keeps the two from drifting apart.
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) return compareKeys(a, b) === 0
  // The one primitive that is not === to itself: NaN.
  return a !== a && b !== b
}

/**
 * A total order over keys, for sortByKey, sortBy, takeOrdered, top, max and min; 0 exactly when
 * {@link keysEqual}. Numbers compare numerically with NaN greatest (Spark's Double ordering) and
 * bigints among them by value; strings by UTF-16 code units (Java's `String.compareTo`); false
 * before true; Dates by time; arrays element by element, then by length; plain objects by their
 * entries sorted by name. Kinds: null < undefined < booleans < numbers < strings < Dates < arrays
 * < objects. (`Array.prototype.sort` moves undefined elements to the end without calling the
 * comparator, so sort records that hold keys, not bare keys that may be undefined.)
 *
 * @example
 * [['b', 1], ['a', 2], ['a']].sort(compareKeys) // [['a'], ['a', 2], ['b', 1]]
 */
export function compareKeys(a: unknown, b: unknown): number {
  // Sorting strings or numbers, the common case, stays on these two lines.
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b)
  if (typeof a === 'number' && typeof b === 'number') return compareNumeric(a, b)
  const rank = rankOf(a)
  const rankDifference = rank - rankOf(b)
  if (rankDifference !== 0) return rankDifference
  switch (rank) {
    case Rank.Absent:
      return Number(a === undefined) - Number(b === undefined)
    case Rank.Boolean:
      return Number(a) - Number(b)
    case Rank.Number:
      return compareNumeric(a as number | bigint, b as number | bigint)
    case Rank.String:
      return compareStrings(a as string, b as string)
    case Rank.Date:
      return compareNumeric((a as Date).getTime(), (b as Date).getTime())
    case Rank.Array:
      return compareArrays(a as unknown[], b as unknown[])
    default:
      return compareObjects(a as Record<string, unknown>, b as Record<string, unknown>)
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function compareNumeric(a: number | bigint, b: number | bigint): number {
  if (a < b) return -1
  if (a > b) return 1
  // Neither is below the other: equal values (-0 and 0 included), or NaN, which sorts above everything.
  const nanOrder = Number(a !== a) - Number(b !== b)
  if (nanOrder !== 0) return nanOrder
  // 1 and 1n are different keys: the number first.
  return Number(typeof a === 'bigint') - Number(typeof b === 'bigint')
}

function compareArrays(a: unknown[], b: unknown[]): number {
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const order = compareKeys(a[i], b[i])
    if (order !== 0) return order
  }
  return a.length - b.length
}

function compareObjects(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const namesA = Object.keys(a).sort()
  const namesB = Object.keys(b).sort()
  const length = Math.min(namesA.length, namesB.length)
  for (let i = 0; i < length; i++) {
    const nameA = namesA[i]!
    const nameB = namesB[i]!
    const order = nameA === nameB ? compareKeys(a[nameA], b[nameB]) : compareStrings(nameA, nameB)
    if (order !== 0) return order
  }
  return namesA.length - namesB.length
}

function rankOf(value: unknown): number {
  switch (typeof value) {
    case 'undefined':
      return Rank.Absent
    case 'boolean':
      return Rank.Boolean
    case 'number':
    case 'bigint':
      return Rank.Number
    case 'string':
      return Rank.String
    case 'object':
      if (value === null) return Rank.Absent
      if (Array.isArray(value)) return Rank.Array
      if (value instanceof Date) return Rank.Date
      if (isPlainObject(value)) return Rank.Object
  }
  throw notAKey(value)
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value)
  // A prototype whose own prototype is null is Object.prototype of any realm (or none at all).
  return prototype === null || Object.getPrototypeOf(prototype) === null
}

function notAKey(value: unknown): TypeError {
  const kind = typeof value === 'object' ? `a ${(value as object).constructor?.name ?? 'object'}` : `a ${typeof value}`
  return new TypeError(
    `Cannot use ${kind} as a key; keys are strings, numbers, booleans, null, or arrays and plain objects of those`,
  )
}

/**
 * A Map whose keys compare by value ({@link keysEqual}), as users expect of the Maps that
 * collectAsMap, countByKey and countByValue return. Primitive keys go straight to the underlying
 * Map, whose SameValueZero already is key equality for them; arrays, plain objects and Dates are
 * looked up through {@link canonicalKey}, and iteration yields the first key object stored for
 * each key, in insertion order. Like any hash map, it needs its key objects left unmutated.
 *
 * @example
 * const counts = new KeyMap([[['user-a', 'walk'], 1]])
 * counts.get(['user-a', 'walk']) // 1
 */
export class KeyMap<K, V> extends Map<K, V> {
  // Canonical form → the key object the underlying Map holds for it.
  readonly #storedKeys = new Map<string, K>()

  constructor(entries?: Iterable<readonly [K, V]> | null) {
    // Map's constructor would call `set` before #storedKeys exists, so the entries are added here.
    super()
    if (entries != null) for (const [key, value] of entries) this.set(key, value)
  }

  override get(key: K): V | undefined {
    if (!isComposite(key)) return super.get(key)
    const stored = this.#storedKeys.get(canonicalKey(key))
    return stored === undefined ? undefined : super.get(stored)
  }

  override has(key: K): boolean {
    return isComposite(key) ? this.#storedKeys.has(canonicalKey(key)) : super.has(key)
  }

  override set(key: K, value: V): this {
    if (!isComposite(key)) return super.set(key, value)
    const canonical = canonicalKey(key)
    const stored = this.#storedKeys.get(canonical)
    if (stored !== undefined) return super.set(stored, value)
    this.#storedKeys.set(canonical, key)
    return super.set(key, value)
  }

  override delete(key: K): boolean {
    if (!isComposite(key)) return super.delete(key)
    const canonical = canonicalKey(key)
    const stored = this.#storedKeys.get(canonical)
    if (stored === undefined) return false
    this.#storedKeys.delete(canonical)
    return super.delete(stored)
  }

  override clear(): void {
    this.#storedKeys.clear()
    super.clear()
  }
}

function isComposite(key: unknown): key is object {
  return typeof key === 'object' && key !== null
}
