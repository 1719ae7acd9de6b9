import { describe, expect, it } from 'vitest'

import { IllegalStateError } from '../../src/common/errors.js'
import {
  applyAccumulatorUpdates,
  beginTaskAccumulators,
  capture,
  compileShipped,
  createLongAccumulator,
  endTaskAccumulators,
  shipFunction,
} from '../../src/closure/index.js'

const noBroadcasts = new Map<number, Uint8Array>()

describe('LongAccumulator', () => {
  it('adds, reads and resets on the driver', () => {
    const accumulator = createLongAccumulator()

    accumulator.add(2)
    accumulator.add(3)

    expect(accumulator.value).toBe(5)
    expect(accumulator.name).toBeNull()
    accumulator.reset()
    expect(accumulator.value).toBe(0)
  })

  it("records a task's additions as deltas that reach the driver only when applied", () => {
    const blank = createLongAccumulator('blank lines')
    const countBlank = capture({ blank }, (line: string) => {
      if (line === '') blank.add(1)
      return line
    })
    const shipped = shipFunction(countBlank, 'map')
    const compiled = compileShipped<(line: string) => string>(shipped, noBroadcasts)

    beginTaskAccumulators()
    ;['', 'a', ''].map(compiled)
    const updates = endTaskAccumulators()

    expect(shipped.env).toEqual([{ name: 'blank', kind: 'accumulator', id: blank.id }])
    expect(updates).toEqual([[blank.id, 2]])
    expect(blank.value).toBe(0)
    applyAccumulatorUpdates(updates)
    expect(blank.value).toBe(2)
    expect(endTaskAccumulators()).toEqual([])
  })

  it('discards the deltas of a task that failed when the next task begins', () => {
    const seen = createLongAccumulator('seen')
    const compiled = compileShipped<() => void>(shipFunction(capture({ seen }, () => seen.add(1)), 'foreach'), noBroadcasts)

    beginTaskAccumulators()
    compiled()
    beginTaskAccumulators()
    compiled()

    expect(endTaskAccumulators()).toEqual([[seen.id, 1]])
  })

  it('updates the real accumulator when the captured function is called on the driver', () => {
    const calls = createLongAccumulator('calls')
    const counted = capture({ calls }, (x: number) => {
      calls.add(1)
      return x
    })

    counted(1)
    counted(2)

    expect(calls.value).toBe(2)
  })

  it('cannot be read inside a task', () => {
    const total = createLongAccumulator('total')
    const compiled = compileShipped<() => number>(shipFunction(capture({ total }, () => total.value), 'map'), noBroadcasts)

    expect(() => compiled()).toThrow(IllegalStateError)
    expect(() => compiled()).toThrow(
      `LongAccumulator ${total.id} cannot be read inside a task; read its value on the driver after the action completes`,
    )
  })

  it('refuses to add anything but a finite number', () => {
    const accumulator = createLongAccumulator()

    expect(() => accumulator.add(Number.NaN)).toThrow(new TypeError(`LongAccumulator ${accumulator.id} can only add finite numbers, got NaN`))
    expect(() => accumulator.add('1' as unknown as number)).toThrow(/can only add finite numbers, got string/)
  })
})
