import { describe, expect, it } from 'vitest'

import { ClosureError } from '../../src/common/errors.js'
import { capture, compileShipped, createBroadcast, referencedBroadcastIds, shipFunction } from '../../src/closure/index.js'
import { double } from '../fixtures/closure/helpers.js'

const minLength = 3
const maxLength = 9

function closureErrorOf(attempt: () => unknown): ClosureError {
  try {
    attempt()
  } catch (error) {
    if (error instanceof ClosureError) return error
    throw error
  }
  throw new Error('expected a ClosureError')
}

describe('shipFunction', () => {
  it('ships a self-contained arrow function as its source, arity and an empty env', () => {
    const shipped = shipFunction((a: number, b: number) => a + b, 'reduceByKey')

    expect(shipped).toMatchObject({ operation: 'reduceByKey', source: '((a, b) => a + b)', arity: 2, env: [] })
  })

  it('returns the same shipped form, keeping the first operation, when a function is shipped again', () => {
    const fn = (x: number) => x + 1

    const first = shipFunction(fn, 'map')
    const second = shipFunction(fn, 'filter')

    expect(second).toBe(first)
    expect(second.operation).toBe('map')
    expect(shipFunction((x: number) => x + 1, 'map').id).not.toBe(first.id)
  })

  it('produces plain data that survives structured clone', () => {
    const shipped = shipFunction(capture({ minLength, limits: new Map([['max', maxLength]]) }, (w: string) => w.length >= minLength), 'filter')

    expect(structuredClone(shipped)).toEqual(shipped)
  })

  it('refuses a function that reads an outer variable, naming it and showing the capture() fix', () => {
    const error = closureErrorOf(() => shipFunction((w: string) => w.length >= minLength, 'filter'))

    expect(error.variables).toEqual(['minLength'])
    expect(error.message).toBe(
      'The function given to filter reads minLength from its enclosing scope, but it runs on a worker thread ' +
        "that cannot see the driver's variables.\n" +
        'Ship what it needs with capture():\n' +
        '  capture({ minLength }, (w) => w.length >= minLength)',
    )
  })

  it('names several variables in the order the function reads them', () => {
    const two = closureErrorOf(() => shipFunction((w: string) => w.length >= minLength && w.length <= maxLength, 'filter'))
    const three = closureErrorOf(() => shipFunction(() => [maxLength, minLength, double], 'map'))

    expect(two.message).toMatch(/^The function given to filter reads minLength and maxLength from its enclosing scope/)
    expect(two.message).toMatch(/capture\(\{ minLength, maxLength \}, /)
    expect(two.variables).toEqual(['maxLength', 'minLength'])
    expect(three.message).toMatch(/reads maxLength, minLength and double \(an imported binding\) from/)
  })

  it('shortens a long function in the suggested fix', () => {
    const fn = (word: string) => [word, word.toUpperCase(), word.toLowerCase(), word.trim(), word.padStart(20), word.padEnd(20), word.repeat(3), word.at(-1), minLength]

    const fix = closureErrorOf(() => shipFunction(fn, 'map')).message.split('\n')[2] ?? ''

    expect(fix).toMatch(/^ {2}capture\(\{ minLength \}, \(word\) => \[word, word\.toUpperCase\(\), .*…\)$/)
    expect(fix.length).toBeLessThan(150)
  })

  it('reports an imported function by its own name and says that imports need capture() too', () => {
    const error = closureErrorOf(() => shipFunction((x: number) => double(x), 'map'))

    expect(error.variables).toEqual(['double'])
    expect(error.message).toBe(
      'The function given to map reads double (an imported binding) from its enclosing scope, but it runs on a ' +
        "worker thread that cannot see the driver's variables. Imported functions must be passed through capture() as well.\n" +
        'Ship what it needs with capture():\n' +
        '  capture({ double }, (x) => double(x))',
    )
  })

  it('also recognises the imports that vi.mock hoists, which vitest names __vi_import_N__', () => {
    const hoisted = new Function('return (x) => __vi_import_0__.parse(x)')() as (x: string) => unknown

    const error = closureErrorOf(() => shipFunction(hoisted, 'map'))

    expect(error.variables).toEqual(['parse'])
    expect(error.message).toMatch(/reads parse \(an imported binding\) from .*\n.*\n {2}capture\(\{ parse \}, \(x\) => parse\(x\)\)$/)
  })

  it('ships method shorthand, async and generator methods included', async () => {
    const methods = {
      parse(text: string) {
        return Number.parseInt(text, 10)
      },
      async load(text: string) {
        return text.length
      },
      *pairs(text: string) {
        yield* [...text].map((c, i) => [c, i])
      },
    }

    const parse = compileShipped<(text: string) => number>(shipFunction(methods.parse, 'map'), new Map())
    const load = compileShipped<(text: string) => Promise<number>>(shipFunction(methods.load, 'map'), new Map())
    const pairs = compileShipped<(text: string) => Iterable<unknown>>(shipFunction(methods.pairs, 'flatMap'), new Map())

    expect(parse('42')).toBe(42)
    expect(await load('four')).toBe(4)
    expect([...pairs('ab')]).toEqual([['a', 0], ['b', 1]])
  })

  it('ships generator and async functions, named or not', async () => {
    const range = function* (n: number) {
      for (let i = 0; i < n; i++) yield i
    }
    async function total(xs: number[]) {
      return xs.reduce((a, b) => a + b, 0)
    }
    const chars = async function* chars(text: string) {
      yield* text
    }

    const compiledRange = compileShipped<typeof range>(shipFunction(range, 'flatMap'), new Map())
    const compiledTotal = compileShipped<typeof total>(shipFunction(total, 'map'), new Map())
    const compiledChars = compileShipped<typeof chars>(shipFunction(chars, 'mapPartitions'), new Map())
    const collected: string[] = []
    for await (const c of compiledChars('hey')) collected.push(c)

    expect([...compiledRange(3)]).toEqual([0, 1, 2])
    expect(await compiledTotal([1, 2, 3])).toBe(6)
    expect(collected).toEqual(['h', 'e', 'y'])
  })

  it('ships built-in globals and statics of Math, JSON, Number, String, Object and Array by name', () => {
    expect(shipFunction(String, 'map')).toMatchObject({ source: 'String', arity: 1 })
    expect(shipFunction(parseInt, 'map').source).toBe('parseInt')
    expect(shipFunction(Math.max, 'reduce').source).toBe('Math.max')
    expect(shipFunction(JSON.stringify, 'map').source).toBe('JSON.stringify')
    expect(shipFunction(Array.isArray, 'filter').source).toBe('Array.isArray')
    expect(compileShipped<(...xs: number[]) => number>(shipFunction(Math.max, 'reduce'), new Map())(1, 5, 3)).toBe(5)
  })

  it('refuses bound functions and natives that a worker cannot name', () => {
    const bound = closureErrorOf(() => shipFunction(double.bind(null), 'map'))
    const native = closureErrorOf(() => shipFunction(Map.prototype.get, 'map'))

    expect(bound.message).toBe(
      'The function given to map is a bound or native function (bound double), which has no source text to ship to ' +
        'a worker thread. Pass an arrow function that does the same work instead, and give it the values it needs with capture()',
    )
    expect(bound.variables).toEqual([])
    expect(native.message).toMatch(/^The function given to map is a bound or native function \(get\)/)
  })

  it('refuses classes', () => {
    class Tokenizer {}

    const error = closureErrorOf(() => shipFunction(Tokenizer, 'map'))

    expect(error.message).toMatch(/^The function given to map is a class \(Tokenizer\), and classes cannot be shipped to a worker thread\. Pass an arrow function instead/)
  })

  it('refuses methods with computed keys and accessors, whose source cannot be taken out of their object', () => {
    const getter = Object.getOwnPropertyDescriptor({ get size() { return 1 } }, 'size')?.get
    const computed = { [Symbol.iterator]() { return [][Symbol.iterator]() } }[Symbol.iterator]

    expect(() => shipFunction(getter, 'map')).toThrow(/The function given to map cannot be shipped: its source text does not read as a function \(get size\(\)/)
    expect(() => shipFunction(computed, 'map')).toThrow(ClosureError)
  })

  it('throws a TypeError naming the operation and the type received for a non-function', () => {
    expect(() => shipFunction(42, 'map')).toThrow(new TypeError('The function given to map must be a function, got number'))
    expect(() => shipFunction(null, 'filter')).toThrow(new TypeError('The function given to filter must be a function, got null'))
    expect(() => shipFunction([], 'flatMap')).toThrow(new TypeError('The function given to flatMap must be a function, got array'))
  })
})

describe('referencedBroadcastIds', () => {
  it('collects the broadcasts a function captures, directly and through captured functions', () => {
    const words = createBroadcast(['a'])
    const stops = createBroadcast(['the'])
    const isStop = capture({ stops }, (w: string) => stops.value.includes(w))
    const keep = capture({ words, isStop }, (w: string) => words.value.includes(w) && !isStop(w))

    const ids = new Set<number>()
    referencedBroadcastIds(shipFunction(keep, 'filter'), ids)

    expect(ids).toEqual(new Set([words.id, stops.id]))
  })
})
