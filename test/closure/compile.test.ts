import { describe, expect, it } from 'vitest'

import { SluiceError } from '../../src/common/errors.js'
import { compileShipped, shipFunction } from '../../src/closure/index.js'
import type { ShippedFunction } from '../../src/closure/index.js'

const noBroadcasts = new Map<number, Uint8Array>()

// Hand-written shipped forms take ids far above those shipFunction hands out in this file.
function handShipped(id: number, source: string): ShippedFunction {
  return { id: 1_000_000 + id, operation: 'map', source, arity: 1, env: [] }
}

describe('compileShipped', () => {
  it('compiles each shipped id once', () => {
    const shipped = shipFunction((x: number) => x * 2, 'map')

    expect(compileShipped(shipped, noBroadcasts)).toBe(compileShipped(structuredClone(shipped), noBroadcasts))
  })

  it('keeps at most 1024 compiled functions, compiling an evicted one again when it returns', () => {
    const oldest = handShipped(10, '(x) => x')
    const first = compileShipped(oldest, noBroadcasts)

    for (let i = 1; i <= 1024; i++) compileShipped(handShipped(10 + i, '(x) => x'), noBroadcasts)

    expect(compileShipped(oldest, noBroadcasts)).not.toBe(first)
  })

  it('names the operation and shipped id in stack traces', () => {
    const shipped = shipFunction((x: number) => {
      if (x < 0) throw new RangeError('negative')
      return x
    }, 'map')
    const compiled = compileShipped<(x: number) => number>(shipped, noBroadcasts)

    const error = (() => {
      try {
        compiled(-1)
      } catch (thrown) {
        return thrown as Error
      }
      throw new Error('expected the function to throw')
    })()

    expect(error.stack).toContain(`sluice:/map-${shipped.id}.js`)
  })

  it('runs in strict mode', () => {
    const compiled = compileShipped<() => unknown>(handShipped(1, 'function () { return this }'), noBroadcasts)

    expect(compiled()).toBeUndefined()
  })

  it("provides esbuild's __name helper to shipped source", () => {
    const compiled = compileShipped<() => string>(handShipped(2, '() => __name(() => 1, "inner").name'), noBroadcasts)

    expect(compiled()).toBe('inner')
  })

  it('explains a source that does not compile, keeping the SyntaxError as cause', () => {
    let error: unknown
    try {
      compileShipped(handShipped(3, '(x) => {'), noBroadcasts)
    } catch (thrown) {
      error = thrown
    }

    expect(error).toBeInstanceOf(SluiceError)
    expect((error as Error).message).toMatch(/^The function shipped for map \(id 1000003\) does not compile on the worker: .+; its source is \(x\) => \{\. /)
    expect((error as Error).cause).toBeInstanceOf(SyntaxError)
  })
})
