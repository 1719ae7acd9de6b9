import { describe, expect, it } from 'vitest'

import { ClosureError, NotSerializableError } from '../../src/common/errors.js'
import { capture, compileShipped, shipFunction } from '../../src/closure/index.js'
import { double } from '../fixtures/closure/helpers.js'

const noBroadcasts = new Map<number, Uint8Array>()

function thrownBy(attempt: () => unknown): unknown {
  try {
    attempt()
  } catch (error) {
    return error
  }
  throw new Error('expected an error')
}

describe('capture', () => {
  it('ships the captured values with the function, and the worker binds them by name', () => {
    const minLength = 3
    const longEnough = capture({ minLength }, (w: string) => w.length >= minLength)

    const shipped = shipFunction(longEnough, 'filter')
    const compiled = compileShipped<(w: string) => boolean>(shipped, noBroadcasts)

    expect(shipped).toMatchObject({ source: '((w) => w.length >= minLength)', arity: 1, env: [{ name: 'minLength', kind: 'value', value: 3 }] })
    expect(['a', 'abc', 'abcd'].filter(compiled)).toEqual(['abc', 'abcd'])
  })

  it('returns a function that still works on the driver and keeps the declared parameter count', () => {
    const suffix = '!'
    const exclaim = capture({ suffix }, (word: string, times: number) => word + suffix.repeat(times))

    expect(exclaim('hi', 2)).toBe('hi!!')
    expect(exclaim.length).toBe(2)
  })

  it('ships captured functions along with the function that calls them', () => {
    const factor = 10
    const scaled = capture({ factor }, (x: number) => x * factor)
    const sumScaled = capture({ scaled }, (xs: number[]) => xs.reduce((sum, x) => sum + scaled(x), 0))

    const shipped = shipFunction(sumScaled, 'map')

    expect(shipped.env).toEqual([{ name: 'scaled', kind: 'function', fn: expect.objectContaining({ operation: 'capture env.scaled' }) }])
    expect(compileShipped<(xs: number[]) => number>(shipped, noBroadcasts)([1, 2, 3])).toBe(60)
  })

  it('ships an imported function passed through capture', () => {
    const doubled = capture({ double }, (x: number) => double(x) + 1)

    const shipped = shipFunction(doubled, 'map')

    expect(shipped.source).toBe('((x) => double(x) + 1)')
    expect(compileShipped<(x: number) => number>(shipped, noBroadcasts)(4)).toBe(9)
  })

  it('refuses right away a function that still reads a name missing from the env', () => {
    const minLength = 3
    const maxLength = 9

    const error = thrownBy(() => capture({ minLength }, (w: string) => w.length >= minLength && w.length <= maxLength))

    expect(error).toBeInstanceOf(ClosureError)
    expect((error as ClosureError).variables).toEqual(['maxLength'])
    expect((error as ClosureError).message).toBe(
      'The function given to capture() reads maxLength from its enclosing scope, but it runs on a worker thread ' +
        "that cannot see the driver's variables.\n" +
        'Add what it needs to the capture() env:\n' +
        '  capture({ minLength, maxLength }, (w) => w.length >= minLength && w.length <= maxLength)',
    )
  })

  it('refuses a captured plain function that reads outer variables, naming its env entry', () => {
    const offset = 1
    const shift = (x: number) => x + offset

    const error = thrownBy(() => capture({ shift }, (x: number) => shift(x)))

    expect(error).toBeInstanceOf(ClosureError)
    expect((error as ClosureError).message).toMatch(/^The function given to capture env\.shift reads offset from its enclosing scope/)
  })

  it('refuses env keys that cannot be variable names', () => {
    const fn = () => 1

    expect(() => capture({ 'min-length': 3 }, fn)).toThrow(
      new TypeError(
        'capture env key "min-length" cannot be a variable name in the shipped function; ' +
          'use keys that are plain identifiers and not reserved words, matching the names the function reads',
      ),
    )
    expect(() => capture({ class: 3 }, fn)).toThrow(/capture env key "class" cannot be a variable name/)
    expect(() => capture({ __name: 3 }, fn)).toThrow(/capture env key "__name" cannot be a variable name/)
  })

  it('refuses env values that cannot cross threads, with the path to the offending value', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const fn = () => 1

    const instance = thrownBy(() => capture({ origin: new Point(0) }, fn))
    const nested = thrownBy(() => capture({ options: { retries: [1, { onError() {} }] } }, fn))

    expect(instance).toBeInstanceOf(NotSerializableError)
    expect(instance).toMatchObject({ path: 'capture env.origin', typeName: 'instance of class Point' })
    expect((instance as Error).message).toMatch(/^Cannot ship the instance of class Point found at capture env\.origin: captured values must be/)
    expect(nested).toMatchObject({ path: 'capture env.options.retries[1].onError', typeName: 'function onError' })
  })

  it('throws a TypeError for an env that is not an object, a fn that is not a function, or a function captured twice', () => {
    const once = capture({}, () => 1)

    expect(() => capture(null as unknown as Record<string, unknown>, () => 1)).toThrow(
      new TypeError('capture(env, fn) needs an object of named values as env, got null'),
    )
    expect(() => capture({}, 'x' as unknown as () => unknown)).toThrow(new TypeError('capture(env, fn) needs a function as fn, got string'))
    expect(() => capture({ a: 1 }, once)).toThrow(/already captured; pass all of its values in one capture\(\) call/)
  })
})
