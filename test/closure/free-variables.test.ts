import { describe, expect, it } from 'vitest'

import { ClosureError } from '../../src/common/errors.js'
import { shipFunction } from '../../src/closure/index.js'

// Declared for the type checker only: at run time `settings` exists nowhere.
declare const settings: unknown

const limit = 10
const offset = 1
const fallback = 'none'
const key = 'k'
const config = { size: 2 }
const scale = 3
const unitSize = 4
let counter = 0

/** The names a ClosureError reports for `fn`, or none when it ships. */
function freeNames(fn: unknown): readonly string[] {
  try {
    shipFunction(fn, 'map')
    return []
  } catch (error) {
    if (error instanceof ClosureError) return error.variables
    throw error
  }
}

describe('free variable detection', () => {
  it('sees through destructured parameters and reads outer names used in their defaults', () => {
    const fn = ({ a, b: [c = offset, ...rest] }: { a: number; b: number[] }, d = a + limit) => a + c + d + rest.length

    expect(freeNames(fn)).toEqual(['limit', 'offset'])
  })

  it('accepts nested functions and closures that only use locals of the shipped function', () => {
    const fn = (xs: number[]) => {
      const total = xs.length
      const adder = (x: number) => () => x + total
      function twice(f: () => number) {
        return f() + f()
      }
      return xs.map((x) => twice(adder(x)))
    }

    expect(freeNames(fn)).toEqual([])
  })

  it('reports an outer name read from a closure nested deep inside', () => {
    const fn = (xs: number[]) => xs.map((x) => () => [x].map((y) => y + offset))

    expect(freeNames(fn)).toEqual(['offset'])
  })

  it('lets a function expression use its own arguments and name, but not an arrow reach for the arguments around it', () => {
    const factorial = function fact(n: number): number {
      return arguments.length === 1 && n > 1 ? n * fact(n - 1) : 1
    }
    function outer(..._values: unknown[]) {
      return () => arguments.length
    }

    expect(freeNames(factorial)).toEqual([])
    expect(freeNames(outer())).toEqual(['arguments'])
  })

  it('does not mistake labels for variables', () => {
    const fn = (xs: number[]) => {
      let found = -1
      search: for (const x of xs) {
        for (const y of xs) {
          if (x + y === 0) continue search
          if (x === y) {
            found = x
            break search
          }
        }
      }
      return found
    }

    expect(freeNames(fn)).toEqual([])
  })

  it('tells object keys and member names from shorthand properties and computed keys', () => {
    const fn = (row: { limit: number; size: number }) => ({
      limit: row.limit + config.size,
      nested: { fallback: row.size },
      [key]: 1,
      scale,
    })

    expect(freeNames(fn)).toEqual(['config', 'key', 'scale'])
  })

  it('treats a catch parameter as local and still sees outer names in the handler', () => {
    const fn = (text: string) => {
      try {
        return JSON.parse(text) as unknown
      } catch (error) {
        return `${String(error)} ${fallback}`
      }
    }

    expect(freeNames(fn)).toEqual(['fallback'])
  })

  it('looks inside class expressions, their methods and their static fields', () => {
    const fn = (x: number) => {
      class Point {
        static unit = unitSize
        constructor(readonly v: number) {}
        norm() {
          return Math.abs(this.v) * scale + Point.unit
        }
      }
      return new Point(x).norm()
    }

    expect(freeNames(fn)).toEqual(['scale', 'unitSize'])
  })

  it('counts a name read only through typeof, because the worker would silently see undefined', () => {
    const fn = (x: number) => (typeof settings === 'object' ? x : 0)

    expect(freeNames(fn)).toEqual(['settings'])
  })

  it('follows shadowing: a local hides an outer name only inside its own block', () => {
    const shadowed = (limit: number) => {
      const offset = 1
      return limit + offset
    }
    const leaky = (x: number) => {
      {
        const limit = 1
        x += limit
      }
      return x + limit
    }

    expect(freeNames(shadowed)).toEqual([])
    expect(freeNames(leaky)).toEqual(['limit'])
  })

  it('reports assignments to outer variables, which could never reach the driver', () => {
    const fn = (x: number) => {
      counter += x
    }

    expect(freeNames(fn)).toEqual(['counter'])
  })

  it('allows the globals that every worker thread has', () => {
    const fn = (text: string) => [
      Math.max(1, 2), JSON.stringify(text), new Map(), new Set(), new WeakMap(), BigInt(1), Symbol.iterator,
      NaN, undefined, globalThis, Buffer.from(text), structuredClone(text), new URL('http://example.org'),
      new TextEncoder(), performance.now(), setTimeout, queueMicrotask, console.log, process.pid, crypto.randomUUID,
    ]

    expect(freeNames(fn)).toEqual([])
  })

  it('lists each name once, sorted', () => {
    const fn = () => scale + offset + scale + limit + offset

    expect(freeNames(fn)).toEqual(['limit', 'offset', 'scale'])
  })
})
