import { describe, expect, it } from 'vitest'

import { type DStream, ManualClock, Milliseconds, Seconds, StreamingContext } from '../../../src/index.js'
import { thrownBy } from '../../support/rejection.js'
import { runBatches, runBatchesWithTimes, sharedSparkContext } from '../../support/run-batches.js'

// Spark's WindowOperationsSuite: a window of w and slide s at time t holds the
// batches in (t − w, t], is partial at the start, and comes only at times
// where (t − zeroTime) is a multiple of s; zeroTime = 0 here (first batch 1000 ms).
const sixBatches = [[0], [1], [2], [3], [4], [5]]

describe('window', () => {
  it('basic window: 2 s every 1 s, partial at the start', async () => {
    const output = await runBatches({ input: sixBatches, operation: (s) => s.window(Seconds(2), Seconds(1)), sort: true })

    expect(output).toEqual([[0], [0, 1], [1, 2], [2, 3], [3, 4], [4, 5]])
  })

  it('defaults the slide to the parent stream’s slide', async () => {
    const output = await runBatches({ input: sixBatches, operation: (s) => s.window(Seconds(2)), sort: true })

    expect(output).toEqual([[0], [0, 1], [1, 2], [2, 3], [3, 4], [4, 5]])
  })

  it('tumbling window: 2 s every 2 s', async () => {
    const output = await runBatchesWithTimes({ input: sixBatches, operation: (s) => s.window(Seconds(2), Seconds(2)), sort: true })

    expect(output.map((batch) => batch.records)).toEqual([[0, 1], [2, 3], [4, 5]])
    expect(output.map((batch) => batch.time.milliseconds)).toEqual([2000, 4000, 6000])
  })

  it('larger window: 4 s every 2 s, running past the input with empty batches', async () => {
    const output = await runBatches({ input: sixBatches, batches: 8, operation: (s) => s.window(Seconds(4), Seconds(2)), sort: true })

    expect(output).toEqual([[0, 1], [0, 1, 2, 3], [2, 3, 4, 5], [4, 5]])
  })

  it('non-overlapping window: a slide larger than the window skips batches', async () => {
    const output = await runBatchesWithTimes({ input: sixBatches, operation: (s) => s.window(Seconds(2), Seconds(3)), sort: true })

    expect(output.map((batch) => batch.records)).toEqual([[1, 2], [4, 5]])
    expect(output.map((batch) => batch.time.milliseconds)).toEqual([3000, 6000])
  })

  it('takes durations as plain milliseconds', async () => {
    const output = await runBatches({ input: sixBatches, operation: (s) => s.window(3000, 2000), sort: true })

    expect(output).toEqual([[0, 1], [1, 2, 3], [3, 4, 5]])
  })

  it('gives an empty window when none of its batches has records', async () => {
    const output = await runBatches({ input: [[], [], [7], [], [], []], operation: (s) => s.window(Seconds(2)), sort: true })

    expect(output).toEqual([[], [], [7], [7], [], []])
  })

  it('windows a windowed stream', async () => {
    const output = await runBatches({
      input: sixBatches,
      batches: 8,
      operation: (s) => s.window(Seconds(2), Seconds(1)).window(Seconds(4), Seconds(2)),
      sort: true,
    })

    // The outer window at t unions the inner windows at t−3 s … t; the inner windows overlap, so records repeat.
    expect(output).toEqual([
      [0, 0, 1],
      [0, 0, 1, 1, 2, 2, 3],
      [1, 2, 2, 3, 3, 4, 4, 5],
      [3, 4, 4, 5, 5],
    ])
  })
})

describe('window durations', () => {
  it.each([
    ['window duration', 1500, 1000, 'The window duration 1500 ms must be a positive multiple of the slide duration 1000 ms of', '; use 2000 ms'],
    ['slide duration', 2000, 2500, 'The slide duration 2500 ms must be a positive multiple of the slide duration 1000 ms of', '; use 3000 ms'],
    ['window duration', 0, 1000, 'The window duration 0 ms must be a positive multiple of the slide duration 1000 ms of', '; use 1000 ms'],
    ['slide duration', 2000, -1000, 'The slide duration -1000 ms must be a positive multiple of the slide duration 1000 ms of', '; use 1000 ms'],
  ])('refuses a %s that is not a multiple of the parent’s slide when the window is defined (%i, %i)', async (_what, windowMs, slideMs, start, end) => {
    const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock: new ManualClock() })
    try {
      const error = thrownBy<RangeError>(() => ssc.queueStream<number>([]).window(windowMs, slideMs))

      expect(error).toBeInstanceOf(RangeError)
      expect(error.message.startsWith(start)).toBe(true)
      expect(error.message).toMatch(/QueueInputDStream\[\d+\] at queueStream at /)
      expect(error.message.endsWith(end)).toBe(true)
    } finally {
      await ssc.stop(false)
    }
  })

  it('checks a window against the slide of a windowed parent, not the batch duration', async () => {
    const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock: new ManualClock() })
    try {
      const windowed = ssc.queueStream<number>([]).window(Seconds(4), Seconds(2))
      const error = thrownBy<RangeError>(() => windowed.window(Seconds(3), Seconds(2)))

      expect(error).toBeInstanceOf(RangeError)
      expect(error.message).toMatch(/^The window duration 3000 ms must be a positive multiple of the slide duration 2000 ms of WindowedDStream\[\d+\] at window at .*; use 4000 ms$/)
    } finally {
      await ssc.stop(false)
    }
  })

  it('refuses a duration that is not a whole number of milliseconds', async () => {
    const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock: new ManualClock() })
    try {
      const error = thrownBy<TypeError>(() => ssc.queueStream<number>([]).window(1.5))

      expect(error).toBeInstanceOf(TypeError)
      expect(error.message).toBe('windowDuration must be a Duration or a whole number of milliseconds, got 1.5')
    } finally {
      await ssc.stop(false)
    }
  })

  it('streams of different slides cannot be combined batch by batch', async () => {
    const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock: new ManualClock() })
    try {
      const stream = ssc.queueStream<number>([])
      const error = thrownBy<RangeError>(() => stream.union(stream.window(Seconds(2), Seconds(2))))

      expect(error).toBeInstanceOf(RangeError)
      expect(error.message).toBe('union needs streams with the same slide duration, got 1000 ms and 2000 ms; window them to a common slide first')
    } finally {
      await ssc.stop(false)
    }
  })
})

describe('remembering RDDs for windows', () => {
  it('keeps each parent RDD as long as the windows above it need, and forgets older ones (Spark "rdd cleanup - map and window")', async () => {
    const input = Array.from({ length: 10 }, (_, x) => [x, x + 1])
    const remembered: Record<string, { rememberMs: number; times: number[] }> = {}
    const output = await runBatches({
      input,
      operation: (s) =>
        s
          .map((x) => [x % 10, 1] as [number, number])
          .window(Seconds(2), Seconds(1))
          .window(Seconds(4), Seconds(2)),
      setup: (ssc) => ssc.remember(Seconds(3)),
      inspect: (_ssc, windowed2) => {
        const windowed1 = windowed2.dependencies[0] as DStream<unknown>
        const mapped = windowed1.dependencies[0] as DStream<unknown>
        for (const [name, stream] of Object.entries({ windowed2, windowed1, mapped })) {
          remembered[name] = { rememberMs: stream.rememberDuration.milliseconds, times: [...stream.generatedRDDs.keys()].sort((a, b) => a - b) }
        }
      },
    })

    expect(output).toHaveLength(5)
    expect(remembered).toEqual({
      windowed2: { rememberMs: 3000, times: [8000, 10000] },
      windowed1: { rememberMs: 7000, times: [4000, 5000, 6000, 7000, 8000, 9000, 10000] },
      mapped: { rememberMs: 9000, times: [2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000] },
    })
  })

  it('recomputes nothing: every input batch is read from the queue once, in order', async () => {
    const output = await runBatches({
      input: [[1], [2], [3], [4]],
      batchDuration: Milliseconds(500),
      operation: (s) => s.window(Seconds(1), Milliseconds(500)),
      sort: true,
    })

    expect(output).toEqual([[1], [1, 2], [2, 3], [3, 4]])
  })
})
