import { describe, expect, it } from 'vitest'

import { NotSerializableError } from '../../src/common/errors.js'
import { decode, encode, encodeShared } from '../../src/serde/index.js'

describe('codec', () => {
  it('round-trips the values records are made of', () => {
    const value = [
      'héllo', 0, -1.5, 2 ** 53 + 2, 123n, 2n ** 80n, true, null, undefined,
      ['user-a', 'walk'], { b: 1, a: [1, 2] }, new Map<unknown, unknown>([[['k', 1], 'v']]), new Set([1, 'x']),
      new Date(1_700_000_000_000),
    ]
    expect(decode(encode(value))).toEqual(value)
  })

  it('encodes into a SharedArrayBuffer of exactly the encoded length', () => {
    const bytes = encodeShared(['a', 'b'])
    expect(bytes.buffer).toBeInstanceOf(SharedArrayBuffer)
    expect(bytes.byteLength).toBe(bytes.buffer.byteLength)
    expect(decode(bytes)).toEqual(['a', 'b'])
  })

  it('names a function inside data and where it was found', () => {
    const attempt = () => encode([1, { handler: function onEvent() {} }], 'record')
    expect(attempt).toThrow(NotSerializableError)
    expect(attempt).toThrow(/Cannot ship a function onEvent found at record\[1\]\.handler/)
  })

  it('names a class instance with methods', () => {
    class Point {
      constructor(readonly x: number) {}
      norm(): number {
        return Math.abs(this.x)
      }
    }
    expect(() => encode({ points: [new Point(1)] }, 'data')).toThrow(/instance of class Point found at data\.points\[0\]/)
  })

  it('names a symbol', () => {
    expect(() => encode(['a', Symbol('s')], 'data')).toThrow(/Cannot ship a symbol found at data\[1\]/)
  })
})

describe('codec with Map subclasses', () => {
  it('ships a subclass of Map as a Map with all its entries', () => {
    class CountMap extends Map<string, number> {}
    const [decoded] = decode<Map<string, number>[]>(encode([new CountMap([['a', 1], ['b', 2]])]))
    expect(decoded).toBeInstanceOf(Map)
    expect([...(decoded ?? [])]).toEqual([['a', 1], ['b', 2]])
  })
})
