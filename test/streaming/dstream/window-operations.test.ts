import { describe, expect, it } from 'vitest'

import { IllegalStateError, ManualClock, Seconds, StreamingContext } from '../../../src/index.js'
import { rejectionOf } from '../../support/rejection.js'
import { runBatches, runBatchesWithTimes, sharedSparkContext } from '../../support/run-batches.js'
import { bigGroupByOutput, bigInput, bigReduceOutput, type Count, largerSlideInput, largerSlideReduceOutput } from './window-tables.js'

// Spark's WindowOperationsSuite; window 2 s and slide 1 s unless a test says otherwise.
describe('reduceByKeyAndWindow without an inverse function', () => {
  const cases: [string, Count[][], Count[][]][] = [
    ['basic reduction', [[['a', 1], ['a', 3]]], [[['a', 4]]]],
    ['key already in window and new value added into window', [[['a', 1]], [['a', 1]]], [[['a', 1]], [['a', 2]]]],
    ['new key added into window', [[['a', 1]], [['a', 1], ['b', 1]]], [[['a', 1]], [['a', 2], ['b', 1]]]],
    ['key removed from window', [[['a', 1]], [['a', 1]], [], []], [[['a', 1]], [['a', 2]], [['a', 1]], []]],
    ['big test', bigInput, bigReduceOutput],
  ]

  it.each(cases)('%s', async (_name, input, expected) => {
    const output = await runBatches({ input, operation: (s) => s.reduceByKeyAndWindow((a, b) => a + b, Seconds(2), Seconds(1)), sort: true })

    expect(output).toEqual(expected)
  })

  it('larger slide time: window 4 s every 2 s', async () => {
    const output = await runBatchesWithTimes({ input: largerSlideInput, operation: (s) => s.reduceByKeyAndWindow((a, b) => a + b, Seconds(4), Seconds(2)), sort: true })

    expect(output.map((batch) => batch.records)).toEqual(largerSlideReduceOutput)
    expect(output.map((batch) => batch.time.milliseconds)).toEqual([2000, 4000, 6000, 8000])
  })

  it('slide defaults to the parent’s, and the output has the partitions asked for', async () => {
    const output = await runBatches({ input: [[['a', 1]], [['b', 2]]] as Count[][], operation: (s) => s.reduceByKeyAndWindow((a, b) => a + b, Seconds(2), undefined, 3).glom() })

    expect(output.map((batch) => batch.length)).toEqual([3, 3])
    expect(output.map((batch) => batch.flat().sort())).toEqual([[['a', 1]], [['a', 1], ['b', 2]]])
  })

  it('needs no checkpoint directory', async () => {
    const output = await runBatches({ input: [[['a', 1]]] as Count[][], operation: (s) => s.reduceByKeyAndWindow((a, b) => a + b, Seconds(2)) })

    expect(output).toEqual([[['a', 1]]])
  })
})

describe('groupByKeyAndWindow', () => {
  it('groups the values of each key over the window', async () => {
    const output = await runBatches({
      input: bigInput,
      operation: (s) => s.groupByKeyAndWindow(Seconds(2), Seconds(1)),
      sort: true,
    })

    expect(output).toEqual(bigGroupByOutput)
  })

  it('uses the slide and partitions asked for', async () => {
    const output = await runBatchesWithTimes({
      input: [[['a', 1]], [['a', 2]], [['b', 3]], [['a', 4]]] as Count[][],
      operation: (s) => s.groupByKeyAndWindow(Seconds(2), Seconds(2), 3).mapValues((values) => [...values].sort((x, y) => x - y)),
      sort: true,
    })

    expect(output.map((batch) => batch.records)).toEqual([[['a', [1, 2]]], [['a', [4]], ['b', [3]]]])
    expect(output.map((batch) => batch.time.milliseconds)).toEqual([2000, 4000])
  })
})

describe('countByWindow', () => {
  it('counts the records of each window, 0 once the window has emptied', async () => {
    const output = await runBatches({
      input: [[1], [1], [1, 2], [0], [], []],
      operation: (s) => s.countByWindow(Seconds(2), Seconds(1)),
      checkpoint: true,
    })

    expect(output).toEqual([[1], [2], [3], [3], [1], [0]])
  })

  it('needs a checkpoint directory: start() rejects naming the stream', async () => {
    const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock: new ManualClock() })
    try {
      ssc.queueStream<number>([]).countByWindow(Seconds(2), Seconds(1)).foreachRDD(() => {})
      const error = await rejectionOf<IllegalStateError>(ssc.start())

      expect(error).toBeInstanceOf(IllegalStateError)
      expect(error.message).toMatch(/^ReducedWindowedDStream\[\d+\] at reduceByKeyAndWindow at .* needs a checkpoint directory for its state; call ssc\.checkpoint\(directory\) before start\(\)$/)
      expect(ssc.getState()).toBe('INITIALIZED')
    } finally {
      await ssc.stop(false)
    }
  })
})

describe('reduceByWindow', () => {
  it('reduces each window afresh without an inverse function', async () => {
    const output = await runBatches({
      input: [[1], [2, 3], [], [4], [], []],
      operation: (s) => s.reduceByWindow((a, b) => a + b, Seconds(2), Seconds(1)),
    })

    expect(output).toEqual([[1], [6], [5], [4], [4], []])
  })

  it('updates the previous window with an inverse function, keeping a value that returns to zero', async () => {
    const output = await runBatches({
      input: [[1], [2, 3], [], [4], [], []],
      operation: (s) => s.reduceByWindow((a, b) => a + b, (a, b) => a - b, Seconds(2), Seconds(1)),
      checkpoint: true,
    })

    expect(output).toEqual([[1], [6], [5], [4], [4], [0]])
  })

  it('slides by the slide duration', async () => {
    const output = await runBatchesWithTimes({
      input: [[1], [2], [3], [4], [5], [6]],
      operation: (s) => s.reduceByWindow((a, b) => a * b, Seconds(3), Seconds(2)),
    })

    expect(output.map((batch) => batch.records)).toEqual([[2], [24], [120]])
    expect(output.map((batch) => batch.time.milliseconds)).toEqual([2000, 4000, 6000])
  })
})

describe('countByValueAndWindow', () => {
  it('counts each value over the window', async () => {
    const output = await runBatches({
      input: [['a'], ['b', 'b'], ['a', 'b']],
      operation: (s) => s.countByValueAndWindow(Seconds(2), Seconds(1)),
      checkpoint: true,
      sort: true,
    })

    expect(output).toEqual([[['a', 1]], [['a', 1], ['b', 2]], [['a', 1], ['b', 3]]])
  })

  it('drops a value whose count in the window falls to zero', async () => {
    const output = await runBatches({
      input: [['a'], ['b'], [], []],
      operation: (s) => s.countByValueAndWindow(Seconds(2), Seconds(1), 3),
      checkpoint: true,
      sort: true,
    })

    expect(output).toEqual([[['a', 1]], [['a', 1], ['b', 1]], [['b', 1]], []])
  })
})
