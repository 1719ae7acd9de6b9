import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { type DStream, type Duration, IllegalStateError, ManualClock, Seconds, StreamingContext, TaskFailedError, type Time } from '../../../src/index.js'
import { captureLog } from '../../support/log-capture.js'
import { rejectionOf } from '../../support/rejection.js'
import { runBatches, sharedSparkContext } from '../../support/run-batches.js'

type Count = [string, number]

// Spark's BasicOperationsSuite "updateStateByKey" tests.
const letters = [['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'b'], ['a'], []]
const pairsOf = (s: DStream<string>): DStream<Count> => s.map((x) => [x, 1] as Count)
const runningSum = (values: number[], state: number | null): number => values.reduce((a, b) => a + b, 0) + (state ?? 0)

describe('updateStateByKey', () => {
  it('keeps a running value per key; every batch is the whole state', async () => {
    const output = await runBatches({ input: letters, operation: (s) => pairsOf(s).updateStateByKey(runningSum), checkpoint: true, sort: true })

    expect(output).toEqual([
      [['a', 1]],
      [['a', 2], ['b', 1]],
      [['a', 3], ['b', 2], ['c', 1]],
      [['a', 4], ['b', 3], ['c', 1]],
      [['a', 5], ['b', 3], ['c', 1]],
      [['a', 5], ['b', 3], ['c', 1]],
    ])
  })

  it('starts from initialRDD, calling the function for its keys even without new values', async () => {
    const output = await runBatches({
      input: letters,
      operation: (s) =>
        pairsOf(s).updateStateByKey(runningSum, {
          numPartitions: 2,
          initialRDD: s.context.sparkContext.parallelize<Count>([
            ['a', 1],
            ['c', 2],
          ]),
        }),
      checkpoint: true,
      sort: true,
    })

    expect(output).toEqual([
      [['a', 2], ['c', 2]],
      [['a', 3], ['b', 1], ['c', 2]],
      [['a', 4], ['b', 2], ['c', 3]],
      [['a', 5], ['b', 3], ['c', 3]],
      [['a', 6], ['b', 3], ['c', 3]],
      [['a', 6], ['b', 3], ['c', 3]],
    ])
  })

  it('gives a four-parameter function a Time with its methods, not just the milliseconds', async () => {
    const output = await runBatches({
      input: [['a'], ['a'], ['a']],
      operation: (s) =>
        // Four declared parameters select the (time, key, values, state) form.
        pairsOf(s).updateStateByKey((time: Time, _key: string, _values: number[], _state: number | null) => time.floor({ milliseconds: 2000 } as Duration).milliseconds),
      checkpoint: true,
    })

    expect(output).toEqual([[['a', 0]], [['a', 2000]], [['a', 2000]]])
  })

  it('gives the batch time and the key to a four-parameter function', async () => {
    const output = await runBatches({
      input: letters,
      operation: (s) =>
        pairsOf(s).updateStateByKey(
          (time: Time, key: string, values: number[], state: number | null) => {
            // Update only for keys with values in this batch; the key is the one being updated.
            if (key.length !== 1) throw new Error(`unexpected key ${key}`)
            return values.length > 0 ? time.milliseconds + (state ?? 0) : (state ?? 0)
          },
          { initialRDD: s.context.sparkContext.parallelize<Count>([['a', 0], ['c', 0]]) },
        ),
      checkpoint: true,
      sort: true,
    })

    // a -> 1000, 3000, 6000, 10000, 15000, 15000; b -> -, 2000, 5000, 9000, 9000, 9000; c -> 0, 0, 3000, 3000, ...
    expect(output).toEqual([
      [['a', 1000], ['c', 0]],
      [['a', 3000], ['b', 2000], ['c', 0]],
      [['a', 6000], ['b', 5000], ['c', 3000]],
      [['a', 10000], ['b', 9000], ['c', 3000]],
      [['a', 15000], ['b', 9000], ['c', 3000]],
      [['a', 15000], ['b', 9000], ['c', 3000]],
    ])
  })

  it('removes a key whose function returns null or undefined (Spark "object lifecycle")', async () => {
    // The state is dropped after two batches in a row without new values.
    const update = (values: number[], state: { counter: number; idle: number } | null) => {
      const next = { counter: state?.counter ?? 0, idle: state?.idle ?? 0 }
      if (values.length === 0) next.idle += 1
      else {
        next.counter += values.length
        next.idle = 0
      }
      if (next.idle === 2) return next.counter % 2 === 0 ? null : undefined
      return next
    }
    const output = await runBatches({
      input: [['a', 'b'], [], ['a', 'c', 'a'], ['c'], [], []],
      operation: (s) =>
        pairsOf(s)
          .updateStateByKey(update)
          .mapValues((state) => state.counter),
      checkpoint: true,
      sort: true,
    })

    expect(output).toEqual([
      [['a', 1], ['b', 1]],
      [['a', 1], ['b', 1]],
      [['a', 3], ['c', 1]],
      [['a', 3], ['c', 2]],
      [['c', 2]],
      [],
    ])
  })

  it('lets a removed key come back with fresh state', async () => {
    const output = await runBatches({
      input: [[['a', 1]], [['a', -1]], [['a', 5]]] as Count[][],
      operation: (s) => s.updateStateByKey((values: number[], state: number | null) => (values.includes(-1) ? null : (state ?? 0) + values.reduce((x, y) => x + y, 0))),
      checkpoint: true,
    })

    expect(output).toEqual([[['a', 1]], [], [['a', 5]]])
  })

  it('keeps the state through empty batches and spreads it over the partitions asked for', async () => {
    const output = await runBatches({
      input: [[['a', 1], ['b', 1], ['c', 1], ['d', 1]], [], []] as Count[][],
      operation: (s) => s.updateStateByKey(runningSum, { numPartitions: 3 }).glom(),
      checkpoint: true,
    })

    expect(output.map((batch) => batch.length)).toEqual([3, 3, 3])
    expect(output.map((batch) => batch.flat().sort())).toEqual([
      [['a', 1], ['b', 1], ['c', 1], ['d', 1]],
      [['a', 1], ['b', 1], ['c', 1], ['d', 1]],
      [['a', 1], ['b', 1], ['c', 1], ['d', 1]],
    ])
  })

  it('forgets state RDDs older than twice its checkpoint interval (Spark "rdd cleanup - updateStateByKey")', async () => {
    let remembered: { rememberMs: number; checkpointMs: number | undefined; times: number[] } | null = null
    await runBatches({
      input: Array.from({ length: 10 }, (_, x) => [x, x + 1]),
      operation: (s) =>
        s
          .map((x) => [x, 1] as [number, number])
          .updateStateByKey(runningSum)
          .checkpoint(Seconds(3)),
      checkpoint: true,
      inspect: (_ssc, state) => {
        remembered = {
          rememberMs: state.rememberDuration.milliseconds,
          checkpointMs: state.checkpointDuration?.milliseconds,
          times: [...state.generatedRDDs.keys()].sort((a, b) => a - b),
        }
      },
    })

    expect(remembered).toEqual({ rememberMs: 6000, checkpointMs: 3000, times: [5000, 6000, 7000, 8000, 9000, 10000] })
  })

  it('needs a checkpoint directory: start() rejects naming the stream', async () => {
    const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock: new ManualClock() })
    try {
      ssc.queueStream<Count>([]).updateStateByKey(runningSum).print()
      const error = await rejectionOf<IllegalStateError>(ssc.start())

      expect(error).toBeInstanceOf(IllegalStateError)
      expect(error.message).toMatch(/^StateDStream\[\d+\] at updateStateByKey at state-dstream\.test\.ts:\d+ needs a checkpoint directory for its state; call ssc\.checkpoint\(directory\) before start\(\)$/)
      expect(ssc.getState()).toBe('INITIALIZED')
      expect(StreamingContext.getActive()).toBeNull()
    } finally {
      await ssc.stop(false)
    }
  })

  it('reports an update function that throws as a failed batch, with the worker’s error', async () => {
    const clock = new ManualClock()
    const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock })
    const directory = mkdtempSync(join(tmpdir(), 'sluice-state-'))
    const log = captureLog()
    try {
      ssc.checkpoint(directory)
      ssc
        .queueStream([[['boom', 1]]] as Count[][])
        .updateStateByKey((values: number[], state: number | null) => {
          if (values.length > 0) throw new Error('no state for you')
          return state
        })
        .foreachRDD(async (rdd) => {
          await rdd.collect()
        })
      await ssc.start()
      const error = await rejectionOf<TaskFailedError>(clock.advance(Seconds(1)))

      expect(error).toBeInstanceOf(TaskFailedError)
      expect(error.message).toMatch(/^Job \d+ aborted: task for partition \d of stage \d+ .* failed 4 times \(spark\.task\.maxFailures\); most recent failure: Error: no state for you/)
      expect(error.workerMessage).toBe('no state for you')
      expect((error.cause as Error).message).toBe('no state for you')
    } finally {
      log.restore()
      await ssc.stop(false)
      rmSync(directory, { recursive: true, force: true })
    }
  })
})
