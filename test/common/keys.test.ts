import { describe, expect, it } from 'vitest'

import { KeyMap, canonicalKey, compareKeys, hashKey, keysEqual, nonNegativeMod } from '../../src/common/keys.js'

type Key = string | number | boolean | null | Key[] | { [name: string]: Key }

/** mulberry32: a small seeded generator, so a failing case can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// Characters that could confuse a canonical form (quotes, separators, tags), non-ASCII and an emoji.
const CHARACTERS = ['a', 'b', 'Z', '0', ',', ':', '"', '\\', '[', '#', 'é', 'ß', '中', '😀', '\u0000']
const NUMBERS = [0, -0, 1, -1, 3, 42, 2 ** 31, -(2 ** 31), 2 ** 53, 1e300, 0.1 + 0.2, -2.5, NaN, Infinity, -Infinity]

function keyGenerator(seed: number, size: number) {
  const random = seededRandom(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  const string = () => Array.from({ length: Math.floor(random() * size) }, () => pick(CHARACTERS)).join('')
  const number = () => (random() < 0.5 ? pick(NUMBERS) : Math.floor(random() * size * 10) - size * 5)
  const key = (depth: number): Key => {
    switch (Math.floor(random() * (depth > 1 ? 6 : 4))) {
      case 0:
      case 1:
        return string()
      case 2:
        return number()
      case 3:
        return pick([true, false, null])
      case 4:
        return Array.from({ length: Math.floor(random() * 3) }, () => key(depth - 1))
      default:
        return Object.fromEntries(Array.from({ length: Math.floor(random() * 3) }, () => [string(), key(depth - 1)]))
    }
  }
  /** A fresh copy of `value` that is the same key: properties in another order, some 0s as -0. */
  const twin = (value: Key): Key => {
    if (value === 0) return random() < 0.5 ? -0 : 0
    if (Array.isArray(value)) return value.map(twin)
    if (typeof value !== 'object' || value === null) return value
    const names = Object.keys(value).sort(() => random() - 0.5)
    return Object.fromEntries(names.map((name) => [name, twin(value[name]!)]))
  }
  return { random, key: () => key(3), twin }
}

/** API.md's key equality, spelled out plainly to check the implementation against. */
function sameKey(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b))
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameKey(item, b[i]))
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b
  if (Array.isArray(a) || Array.isArray(b)) return false
  const names = Object.keys(a)
  return names.length === Object.keys(b).length && names.every((n) => Object.hasOwn(b, n) && sameKey((a as never)[n], (b as never)[n]))
}

describe('key equality and hashing', () => {
  it('gives equal keys the same canonical form, hash and order, whatever their property order', () => {
    const keys = keyGenerator(1, 6)
    for (let i = 0; i < 3000; i++) {
      const key = keys.key()
      const twin = keys.twin(key)
      expect(keysEqual(key, twin)).toBe(true)
      expect(hashKey(twin)).toBe(hashKey(key))
      expect(compareKeys(key, twin)).toBe(0)
      if (typeof key === 'object' && key !== null) expect(canonicalKey(twin as object)).toBe(canonicalKey(key))
    }
  })

  it('agrees with a plain reading of key equality on random pairs', () => {
    // A small key space, so that some random pairs are equal.
    const keys = keyGenerator(2, 2)
    let equalPairs = 0
    for (let i = 0; i < 20_000; i++) {
      const a = keys.key()
      const b = keys.key()
      const same = sameKey(a, b)
      equalPairs += Number(same)
      expect(keysEqual(a, b), `${canonicalKey([a])} vs ${canonicalKey([b])}`).toBe(same)
      expect(compareKeys(a, b) === 0).toBe(same)
      expect(canonicalKey([a]) === canonicalKey([b])).toBe(same)
    }
    expect(equalPairs).toBeGreaterThan(500)
  })

  it('tells apart keys that differ only in kind or shape', () => {
    const keys: unknown[] = [
      '1', 1, 1n, true, 'true', null, undefined, 'null', 0, '', [], {}, ['1'], [1], [[1]], [1, 2], [2, 1], ['a,b'],
      ['a', 'b'], { a: 1 }, { b: 1 }, { a: 1, b: null }, { a: [1] }, { a: { 0: 1 } }, { 0: 1 }, { '"a"': 1 },
      [null], [undefined], { a: undefined }, new Date(0), new Date(1), ['#1'], ['1n'], [NaN], ['NaN'],
    ]
    for (const [i, a] of keys.entries()) {
      for (const b of keys.slice(i + 1)) {
        expect(keysEqual(a, b), `${String(a)} vs ${String(b)}`).toBe(false)
        expect(compareKeys(a, b)).not.toBe(0)
        if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
          expect(canonicalKey(a)).not.toBe(canonicalKey(b))
        }
      }
    }
  })

  it("hashes strings and 32-bit integers as murmur3_32 of their little-endian bytes (the reference's test vectors)", () => {
    expect(hashKey(0)).toBe(0x2362f9de | 0)
    expect(hashKey(-1)).toBe(0x76293b50 | 0)
    expect(hashKey(0x87654321 | 0)).toBe(0xf55b516b | 0)
    expect(hashKey('')).toBe(0)
    expect(hashKey('\u4321')).toBe(0xa0f7b07a | 0)
    // UTF-16LE bytes 74 65 73 74, the ASCII bytes of "test".
    expect(hashKey('\u6574\u7473')).toBe(0xba6bd213 | 0)
  })

  // Partitioning follows these values: if one changes, data written by another version lands elsewhere.
  it('keeps the hash of known keys fixed across versions', () => {
    const pinned: [unknown, number][] = [
      ['user-a', -407717487], ['héllo 😀', -1934434538], [42, -1134849565], [-0, 593689054], [3.14, 2048530659],
      [2 ** 40, -465611928], [NaN, 2146959360], [true, 1231], [null, 0], [undefined, 789265425],
      [2n ** 64n, -1111266857], [['user-a', 'walk'], -1066221303], [{ user: 'a', n: 1 }, 1085300209],
      [new Date(0), -562380976],
    ]
    expect(pinned.map(([key]) => [key, hashKey(key)])).toEqual(pinned)
  })

  it.each([
    ['10 000 distinct strings', Array.from({ length: 10_000 }, (_, i) => `key-${i}`)],
    ['the integers 0..9999', Array.from({ length: 10_000 }, (_, i) => i)],
    ['10 000 tuples', Array.from({ length: 10_000 }, (_, i) => [`user-${i % 100}`, Math.floor(i / 100)])],
  ])('spreads %s evenly over 8 partitions', (_, keys) => {
    const counts = new Array<number>(8).fill(0)
    for (const key of keys) counts[nonNegativeMod(hashKey(key), 8)]! += 1
    for (const count of counts) expect(Math.abs(count - 1250)).toBeLessThanOrEqual(1250 * 0.15)
  })

  it("takes a non-negative modulo as Spark's Utils.nonNegativeMod does", () => {
    expect([13, -1, -8, -9, 0].map((x) => nonNegativeMod(x, 8))).toEqual([5, 7, 0, 7, 0])
    expect(Object.is(nonNegativeMod(-8, 8), 0)).toBe(true)
  })

  it('rejects values that are not keys with a TypeError naming what it got', () => {
    class Point {}
    expect(() => hashKey(new Map())).toThrow(new TypeError(
      'Cannot use a Map as a key; keys are strings, numbers, booleans, null, or arrays and plain objects of those',
    ))
    expect(() => hashKey([new Point()])).toThrow(/Cannot use a Point as a key/)
    expect(() => compareKeys(() => 1, 1)).toThrow(/Cannot use a function as a key/)
  })
})

describe('compareKeys', () => {
  it('is a total order that is 0 exactly for equal keys', () => {
    const keys = keyGenerator(3, 3)
    const sample = Array.from({ length: 300 }, () => keys.key())
    const sorted = [...sample, ...sample.map(keys.twin)].sort(compareKeys)
    // Violations are collected rather than asserted one by one: 180 000 pairs through expect() take seconds.
    const violations: string[] = []
    for (const [i, a] of sorted.entries()) {
      for (const b of sorted.slice(i + 1)) {
        const order = compareKeys(a, b)
        const consistent = order <= 0 && Math.sign(compareKeys(b, a)) === -Math.sign(order) && (order === 0) === sameKey(a, b)
        if (!consistent) violations.push(`${canonicalKey([a])} vs ${canonicalKey([b])}`)
      }
    }
    expect(violations).toEqual([])
    for (let i = 0; i < 5000; i++) {
      const [a, b, c] = [keys.key(), keys.key(), keys.key()].sort(() => keys.random() - 0.5)
      if (compareKeys(a, b) <= 0 && compareKeys(b, c) <= 0) expect(compareKeys(a, c)).toBeLessThanOrEqual(0)
    }
  })

  it("sorts numbers as Spark sorts Doubles, NaN last and -0 equal to 0", () => {
    expect([3, NaN, -1, Infinity, 0, -Infinity, 2.5].sort(compareKeys)).toEqual([-Infinity, -1, 0, 2.5, 3, Infinity, NaN])
    expect(compareKeys(-0, 0)).toBe(0)
  })

  it("sorts strings by UTF-16 code units, as Java's String.compareTo", () => {
    expect(['b', 'é', 'B', '\uffff', 'ab', '😀', 'a', ''].sort(compareKeys)).toEqual(['', 'B', 'a', 'ab', 'b', 'é', '😀', '\uffff'])
  })

  it('sorts tuples element by element, then the shorter first', () => {
    const tuples = [['b', 1], ['a', 2], ['a', 1, 0], ['a'], ['a', 1], []]
    expect(tuples.sort(compareKeys)).toEqual([[], ['a'], ['a', 1], ['a', 1, 0], ['a', 2], ['b', 1]])
  })

  it('orders kinds null, undefined, booleans, numbers, strings, Dates, arrays, objects', () => {
    // Checked pair by pair: Array.prototype.sort moves undefined to the end without asking the comparator.
    const ascending = [null, undefined, false, true, 1, 2n, 'x', new Date(0), new Date(5), [1], { a: 1 }]
    for (const [i, a] of ascending.entries()) {
      for (const b of ascending.slice(i + 1)) expect([compareKeys(a, b) < 0, compareKeys(b, a) > 0]).toEqual([true, true])
    }
  })

  it('places bigints among numbers by value, each after the number it equals', () => {
    expect([2n, 1.5, 1n, NaN, 1, 2n ** 60n + 1n, 2 ** 60].sort(compareKeys)).toEqual([1, 1n, 1.5, 2n, 2 ** 60, 2n ** 60n + 1n, NaN])
  })

  it('orders plain objects by their entries sorted by name', () => {
    const objects = [{ b: 0 }, { a: 2 }, { b: 1, a: 1 }, { a: 1 }]
    expect(objects.sort(compareKeys)).toEqual([{ a: 1 }, { a: 1, b: 1 }, { a: 2 }, { b: 0 }])
  })
})

describe('KeyMap', () => {
  it('finds an entry by an equal key whatever its property order', () => {
    const map = new KeyMap<unknown, number>()
    map.set({ user: 'a', tags: { x: 1, y: [2] } }, 1)
    expect(map.get({ tags: { y: [2], x: 1 }, user: 'a' })).toBe(1)
    expect(map.has({ tags: { y: [2], x: 1 }, user: 'a' })).toBe(true)
    expect(map.get({ user: 'a' })).toBeUndefined()
  })

  it('keeps ["1"], [1], "1" and 1 as four keys, and -0 and 0 as one', () => {
    const map = new KeyMap<unknown, string>([[['1'], 'a'], [[1], 'b'], ['1', 'c'], [1, 'd'], [0, 'e'], [-0, 'f']])
    expect(map.size).toBe(5)
    expect([map.get(['1']), map.get([1]), map.get('1'), map.get(1), map.get(0)]).toEqual(['a', 'b', 'c', 'd', 'f'])
  })

  it('deletes by an equal key and can store the key again', () => {
    const map = new KeyMap<unknown, number>([[['user-a', 'walk'], 1], ['b', 2]])
    expect(map.delete(['user-a', 'walk'])).toBe(true)
    expect(map.delete(['user-a', 'walk'])).toBe(false)
    expect(map.delete('b')).toBe(true)
    expect(map.size).toBe(0)
    map.set(['user-a', 'walk'], 3)
    expect([...map]).toEqual([[['user-a', 'walk'], 3]])
  })

  it('iterates in insertion order, yielding the first key object stored for each key', () => {
    const first = { a: 1, b: 2 }
    const map = new KeyMap<unknown, number>().set('x', 1).set(first, 2).set([1], 3).set({ b: 2, a: 1 }, 4)
    expect(map.size).toBe(3)
    expect([...map.keys()][1]).toBe(first)
    expect([...map.entries()]).toEqual([['x', 1], [first, 4], [[1], 3]])
    expect([...map.values()]).toEqual([1, 4, 3])
    const seen: unknown[] = []
    map.forEach((value, key) => seen.push([key, value]))
    expect(seen).toEqual([...map])
  })

  it('is a Map, and clear empties it', () => {
    const map = new KeyMap([[{ k: 1 }, 'v']])
    expect(map).toBeInstanceOf(Map)
    map.clear()
    expect([map.size, map.get({ k: 1 }), map.has({ k: 1 })]).toEqual([0, undefined, false])
  })

  it('behaves like a Map keyed by value under random operations', () => {
    const keys = keyGenerator(4, 2)
    const map = new KeyMap<Key, number>()
    const model: [Key, number][] = []
    for (let i = 0; i < 5000; i++) {
      const key = keys.twin(keys.key())
      const index = model.findIndex(([stored]) => sameKey(stored, key))
      if (keys.random() < 0.3) {
        expect(map.delete(key)).toBe(index >= 0)
        if (index >= 0) model.splice(index, 1)
      } else {
        expect(map.get(key)).toBe(index >= 0 ? model[index]![1] : undefined)
        map.set(key, i)
        if (index >= 0) model[index]![1] = i
        // A Map stores the key -0 as 0.
        else model.push([key === 0 ? 0 : key, i])
      }
    }
    expect([...map]).toEqual(model)
  })
})
