import { SeededRandom } from './random.js'

/** The kinds of keys API.md allows that the RDD suite exercises: strings, numbers, tuples and plain objects. */
export const KEY_KINDS = ['string', 'number', 'tuple', 'object'] as const
export type KeyKind = (typeof KEY_KINDS)[number]

export type TupleKey = [string, number]
export interface ObjectKey {
  readonly user: string
  readonly n: number
}
export type Key = string | number | TupleKey | ObjectKey

const STRING_STEMS = ['user', 'Ärger', 'z', '日本語', 'a b', ''] as const

/**
 * The i-th distinct key of a kind. Keys for different `i` differ; the same `i`
 * gives equal keys. Object keys are built with their properties in an order
 * drawn from `random`, so equal keys often differ in property order and only
 * by-value key equality groups them.
 */
export function makeKey(kind: KeyKind, i: number, random: SeededRandom): Key {
  switch (kind) {
    case 'string':
      return `${STRING_STEMS[i % STRING_STEMS.length]}-${Math.floor(i / STRING_STEMS.length)}`
    case 'number':
      // Negative, zero, positive, integral and fractional: -30, -28.5, ..., 0, 1.5, ...
      return (i - 20) * 1.5
    case 'tuple':
      return [`user-${String.fromCharCode(97 + (i % 5))}`, Math.floor(i / 5) - 3]
    case 'object': {
      const user = `user-${i % 3}`
      const n = Math.floor(i / 3)
      return random.next() < 0.5 ? { user, n } : { n, user }
    }
  }
}

/** `count` keys drawn with repetition from the first `distinct` keys of a kind. */
export function randomKeys(kind: KeyKind, count: number, distinct: number, seed: number): Key[] {
  const random = new SeededRandom(seed)
  return Array.from({ length: count }, () => makeKey(kind, random.int(0, distinct - 1), random))
}

/**
 * `count` pairs whose keys are drawn from the `distinct` keys of a kind starting at the
 * `firstKey`-th, and whose values are integers in [0, 99].
 */
export function randomPairs(kind: KeyKind, count: number, distinct: number, seed: number, firstKey = 0): [Key, number][] {
  const random = new SeededRandom(seed)
  return Array.from({ length: count }, () => [makeKey(kind, firstKey + random.int(0, distinct - 1), random), random.int(0, 99)])
}

/** `count` random integers in [min, max]. */
export function randomInts(count: number, min: number, max: number, seed: number): number[] {
  const random = new SeededRandom(seed)
  return Array.from({ length: count }, () => random.int(min, max))
}
