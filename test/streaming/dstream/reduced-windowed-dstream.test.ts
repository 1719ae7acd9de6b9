import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { IllegalStateError, ManualClock, Seconds, StreamingContext } from '../../../src/index.js'
import { rejectionOf } from '../../support/rejection.js'
import { runBatches, runBatchesWithTimes, sharedSparkContext } from '../../support/run-batches.js'
import { bigInput, bigReduceInvOutput, bigReduceOutput, type Count, largerSlideInput, largerSlideReduceOutput } from './window-tables.js'

// Spark's WindowOperationsSuite, "reduceByKeyAndWindow with inverse function": window 2 s, slide 1 s unless said otherwise.
describe('reduceByKeyAndWindow with an inverse function', () => {
  const cases: [string, Count[][], Count[][]][] = [
    ['basic reduction', [[['a', 1], ['a', 3]]], [[['a', 4]]]],
    ['key already in window and new value added into window', [[['a', 1]], [['a', 1]]], [[['a', 1]], [['a', 2]]]],
    ['new key added into window', [[['a', 1]], [['a', 1], ['b', 1]]], [[['a', 1]], [['a', 2], ['b', 1]]]],
    ['key removed from window: its value stays, at 0', [[['a', 1]], [['a', 1]], [], []], [[['a', 1]], [['a', 2]], [['a', 1]], [['a', 0]]]],
    ['big test', bigInput, bigReduceInvOutput],
  ]

  it.each(cases)('%s', async (_name, input, expected) => {
    const output = await runBatches({
      input,
      operation: (s) => s.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, Seconds(2), Seconds(1)).checkpoint(Seconds(100)),
      checkpoint: true,
      sort: true,
    })

    expect(output).toEqual(expected)
  })

  it('larger slide time: window 4 s every 2 s', async () => {
    const output = await runBatchesWithTimes({
      input: largerSlideInput,
      operation: (s) => s.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, Seconds(4), Seconds(2)),
      checkpoint: true,
      sort: true,
    })

    expect(output.map((batch) => batch.records)).toEqual(largerSlideReduceOutput)
    expect(output.map((batch) => batch.time.milliseconds)).toEqual([2000, 4000, 6000, 8000])
  })

  it('drops the keys filterFn rejects, giving what the plain window gives (big test)', async () => {
    const output = await runBatches({
      input: bigInput,
      operation: (s) =>
        s
          .reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, Seconds(2), Seconds(1), undefined, ([, count]) => count !== 0)
          .persist()
          .checkpoint(Seconds(100)),
      checkpoint: true,
      sort: true,
    })

    expect(output).toEqual(bigReduceOutput)
  })

  it.each([
    [3, 1],
    [3, 2],
    [2, 2],
    [4, 2],
    [6, 3],
  ])('gives the same windows as the plain reduce over a long run: window %i s, slide %i s', async (windowS, slideS) => {
    const input: Count[][] = Array.from({ length: 14 }, (_, i) => (i % 5 === 4 ? [] : ([['k', i + 1], [`k${i % 3}`, 1]] as Count[])))
    const incremental = await runBatches({
      input,
      operation: (s) => s.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, Seconds(windowS), Seconds(slideS), 2, ([, n]) => n !== 0),
      checkpoint: true,
      sort: true,
    })
    const plain = await runBatches({ input, operation: (s) => s.reduceByKeyAndWindow((a, b) => a + b, Seconds(windowS), Seconds(slideS)), sort: true })

    expect(incremental).toEqual(plain)
    expect(plain).toHaveLength(Math.floor(14 / slideS))
  })

  it('spreads its output over the partitions asked for', async () => {
    const output = await runBatches({
      input: [[['a', 1], ['b', 1], ['c', 1]], [['d', 1]]] as Count[][],
      operation: (s) => s.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, Seconds(2), Seconds(1), 3).glom(),
      checkpoint: true,
    })

    expect(output.map((batch) => batch.length)).toEqual([3, 3])
  })

  it('needs a checkpoint directory: start() rejects naming the stream', async () => {
    const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock: new ManualClock() })
    try {
      ssc
        .queueStream<Count>([])
        .reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, Seconds(2))
        .foreachRDD(() => {})
      const error = await rejectionOf<IllegalStateError>(ssc.start())

      expect(error).toBeInstanceOf(IllegalStateError)
      expect(error.message).toMatch(/^ReducedWindowedDStream\[\d+\] at reduceByKeyAndWindow at .*reduced-windowed-dstream\.test\.ts:\d+ needs a checkpoint directory/)
      expect(error.message.endsWith('call ssc.checkpoint(directory) before start()')).toBe(true)
    } finally {
      await ssc.stop(false)
    }
  })

  it('refuses a checkpoint interval that is not a multiple of its slide at start, giving the value to use', async () => {
    const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock: new ManualClock() })
    const directory = mkdtempSync(join(tmpdir(), 'sluice-reduced-windowed-'))
    try {
      ssc.checkpoint(directory)
      ssc
        .queueStream<Count>([])
        .reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, Seconds(4), Seconds(2))
        .checkpoint(Seconds(3))
        .foreachRDD(() => {})
      const error = await rejectionOf<RangeError>(ssc.start())

      expect(error).toBeInstanceOf(RangeError)
      expect(error.message).toMatch(/^Checkpoint interval 3000 ms of ReducedWindowedDStream\[\d+\] at reduceByKeyAndWindow at .* is not a multiple of its slide duration 2000 ms; use 4000 ms$/)
    } finally {
      await ssc.stop(false)
      rmSync(directory, { recursive: true, force: true })
    }
  })
})

describe('reduceByKeyAndWindow with an inverse function and a slide larger than the window', () => {
  const input: Count[][] = [[['a', 1]], [['a', 2]], [['a', 3]], [['a', 4]], [['a', 5]], [['a', 6]], [['a', 7]], [['a', 8]], [['a', 9]]]

  it('gives each window only its own batches, as the plain window does', async () => {
    const plain = await runBatchesWithTimes({ input, operation: (s) => s.reduceByKeyAndWindow((a, b) => a + b, Seconds(2), Seconds(3)) })
    const incremental = await runBatchesWithTimes({
      input,
      operation: (s) => s.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, Seconds(2), Seconds(3)),
      checkpoint: true,
    })

    // Windows at 3, 6 and 9 s hold the batches of (1 s, 3 s], (4 s, 6 s] and (7 s, 9 s].
    expect(plain.map((batch) => batch.records)).toEqual([[['a', 5]], [['a', 11]], [['a', 17]]])
    expect(incremental.map((batch) => [batch.time.milliseconds, batch.records])).toEqual([
      [3000, [['a', 5]]],
      [6000, [['a', 11]]],
      [9000, [['a', 17]]],
    ])
  })

  it('countByWindow counts only the batches of each window', async () => {
    const output = await runBatches({
      input: [[1], [2, 2], [3, 3, 3], [4], [5, 5], [6, 6, 6]],
      operation: (s) => s.countByWindow(Seconds(1), Seconds(3)),
      checkpoint: true,
    })

    expect(output).toEqual([[3], [3]])
  })
})
