import { describe, expect, it } from 'vitest'

import { ManualClock, Seconds, StreamingContext } from '../../../src/index.js'
import { thrownBy } from '../../support/rejection.js'
import { runBatches, sharedSparkContext } from '../../support/run-batches.js'

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i)

describe('union', () => {
  it('stream.union(other) holds both streams’ records of each batch', async () => {
    const output = await runBatches({
      input: [range(1, 4), range(101, 104), range(201, 204)],
      operation: (s) => s.union(s.map((x) => x + 4)),
    })

    expect(output).toEqual([range(1, 8), range(101, 108), range(201, 208)])
  })

  it('StreamingContext.union unites any number of streams', async () => {
    const output = await runBatches({
      input: [range(1, 4), range(101, 104), range(201, 204)],
      operation: (s) => s.context.union(s, s.map((x) => x + 4), s.map((x) => x + 8)),
    })

    expect(output).toEqual([range(1, 12), range(101, 112), range(201, 212)])
  })

  it('unites two input streams, empty batches included', async () => {
    const output = await runBatches({
      input: [['a'], [], ['b'], []],
      otherInput: [['x'], ['y'], [], []],
      operation: (s1, s2) => s1.union(s2),
    })

    expect(output).toEqual([['a', 'x'], ['y'], ['b'], []])
  })

  it('unites windowed streams of the same slide', async () => {
    const output = await runBatches({
      input: [[1], [2], [3], [4]],
      operation: (s) => s.window(Seconds(2), Seconds(2)).union(s.map((x) => -x).window(Seconds(2), Seconds(2))),
      sort: true,
    })

    expect(output).toEqual([
      [-2, -1, 1, 2],
      [-4, -3, 3, 4],
    ])
  })

  it('needs at least one stream', async () => {
    const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock: new ManualClock() })
    try {
      const error = thrownBy<RangeError>(() => ssc.union())

      expect(error).toBeInstanceOf(RangeError)
      expect(error.message).toBe('union needs at least one stream')
    } finally {
      await ssc.stop(false)
    }
  })
})
