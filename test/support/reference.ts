/**
 * Plain-JS reference implementations of what the RDD operations compute,
 * written independently of the engine (no imports from src/), so the suite
 * compares sluice against a second opinion rather than against itself.
 */

/** A string equal for equal keys: plain objects by their entries whatever the property order, `1` apart from `"1"`. */
export function canonical(value: unknown): string {
  return JSON.stringify(normalize(value))
}

function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize)
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return { '{}': entries.map(([name, inner]) => [name, normalize(inner)]) }
  }
  if (typeof value === 'number') return { '#': Object.is(value, -0) ? 0 : value }
  return value
}

/** Records sorted by their canonical form: the comparison to use where Spark leaves the order undefined. */
export function sortedRecords<T>(records: readonly T[]): T[] {
  return [...records].map((record) => [canonical(record), record] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, record]) => record)
}

/**
 * The documented key order (API.md keys; compareKeys): numbers numerically, strings by UTF-16
 * code units, arrays element by element then by length, plain objects by entries sorted by name.
 * Only the kinds the suite generates are handled.
 */
export function referenceCompare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const order = referenceCompare(a[i], b[i])
      if (order !== 0) return order
    }
    return a.length - b.length
  }
  if (isObject(a) && isObject(b)) {
    const left = Object.keys(a).sort()
    const right = Object.keys(b).sort()
    for (let i = 0; i < Math.min(left.length, right.length); i++) {
      const nameA = left[i] as string
      const nameB = right[i] as string
      if (nameA !== nameB) return nameA < nameB ? -1 : 1
      const order = referenceCompare(a[nameA], b[nameB])
      if (order !== 0) return order
    }
    return left.length - right.length
  }
  throw new TypeError(`referenceCompare does not order ${typeof a} against ${typeof b}`)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** Spark's slicing of `parallelize(data, p)`: slice j holds items ⌊j·n/p⌋ .. ⌊(j+1)·n/p⌋−1. */
export function slices<T>(data: readonly T[], p: number): T[][] {
  return Array.from({ length: p }, (_, j) => data.slice(Math.floor((j * data.length) / p), Math.floor(((j + 1) * data.length) / p)))
}

/** Groups of a key: the key as first seen, and its values in order. */
export function groupByKey<K, V>(pairs: readonly (readonly [K, V])[]): [K, V[]][] {
  const groups = new Map<string, [K, V[]]>()
  for (const [key, value] of pairs) {
    const id = canonical(key)
    const group = groups.get(id)
    if (group === undefined) groups.set(id, [key, [value]])
    else group[1].push(value)
  }
  return [...groups.values()]
}

/** Each group's values sorted, for comparing groups whose value order Spark leaves undefined. */
export function withSortedValues<K, V>(groups: readonly (readonly [K, V[]])[]): [K, V[]][] {
  return groups.map(([key, values]) => [key, sortedRecords(values)])
}

export function reduceByKey<K, V>(pairs: readonly (readonly [K, V])[], fn: (a: V, b: V) => V): [K, V][] {
  return groupByKey(pairs).map(([key, values]) => [key, values.reduce(fn)])
}

export function distinct<T>(values: readonly T[]): T[] {
  const seen = new Map<string, T>()
  for (const value of values) if (!seen.has(canonical(value))) seen.set(canonical(value), value)
  return [...seen.values()]
}

export function containsKey(values: readonly unknown[]): (value: unknown) => boolean {
  const ids = new Set(values.map(canonical))
  return (value) => ids.has(canonical(value))
}

/** Spark's joins: the cross product of both sides' values per key, with `null` for the missing side of an outer join. */
export function join<K, V, W>(
  left: readonly (readonly [K, V])[],
  right: readonly (readonly [K, W])[],
  how: 'inner' | 'left' | 'right' | 'full',
): [K, [V | null, W | null]][] {
  const rightGroups = new Map(groupByKey(right).map(([key, values]) => [canonical(key), values]))
  const leftGroups = new Map(groupByKey(left).map(([key, values]) => [canonical(key), values]))
  const out: [K, [V | null, W | null]][] = []
  for (const [key, values] of groupByKey(left)) {
    const matches = rightGroups.get(canonical(key)) ?? []
    if (matches.length === 0 && (how === 'left' || how === 'full')) for (const v of values) out.push([key, [v, null]])
    for (const v of values) for (const w of matches) out.push([key, [v, w]])
  }
  if (how === 'right' || how === 'full') {
    for (const [key, values] of groupByKey(right)) {
      if (!leftGroups.has(canonical(key))) for (const w of values) out.push([key, [null, w]])
    }
  }
  return out
}

export function cogroup<K, V, W>(left: readonly (readonly [K, V])[], right: readonly (readonly [K, W])[]): [K, [V[], W[]]][] {
  const groups = new Map<string, [K, [V[], W[]]]>()
  const entry = (key: K): [K, [V[], W[]]] => {
    let found = groups.get(canonical(key))
    if (found === undefined) {
      found = [key, [[], []]]
      groups.set(canonical(key), found)
    }
    return found
  }
  for (const [key, value] of left) entry(key)[1][0].push(value)
  for (const [key, value] of right) entry(key)[1][1].push(value)
  return [...groups.values()]
}

/** A histogram of values (or keys), by value. */
export function countBy<T>(values: readonly T[]): [T, number][] {
  return groupByKey(values.map((value) => [value, 1] as const)).map(([value, ones]) => [value, ones.length])
}
