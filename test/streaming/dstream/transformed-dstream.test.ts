import { describe, expect, it } from 'vitest'

import { capture, ClosureError, ManualClock, type RDD, Seconds, StreamingContext, Time } from '../../../src/index.js'
import { captureLog } from '../../support/log-capture.js'
import { rejectionOf, thrownBy } from '../../support/rejection.js'
import { runBatches, runBatchesWithTimes, sharedSparkContext } from '../../support/run-batches.js'

// Spark's BasicOperationsSuite: batches in, batches out (queued arrays are cut into 2 partitions, as there).
const oneToTwelve = [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]

describe('map, flatMap, filter', () => {
  it('maps every record of every batch', async () => {
    const output = await runBatches({ input: oneToTwelve, operation: (s) => s.map((x) => String(x)) })

    expect(output).toEqual([['1', '2', '3', '4'], ['5', '6', '7', '8'], ['9', '10', '11', '12']])
  })

  it('flatMaps every record into the iterable it returns', async () => {
    const output = await runBatches({ input: oneToTwelve, operation: (s) => s.flatMap((x) => [x, x * 2]) })

    expect(output).toEqual([
      [1, 2, 2, 4, 3, 6, 4, 8],
      [5, 10, 6, 12, 7, 14, 8, 16],
      [9, 18, 10, 20, 11, 22, 12, 24],
    ])
  })

  it('keeps only the records the predicate accepts', async () => {
    const output = await runBatches({ input: oneToTwelve, operation: (s) => s.filter((x) => x % 2 === 0) })

    expect(output).toEqual([[2, 4], [6, 8], [10, 12]])
  })

  it('gives an empty batch for an empty input batch', async () => {
    const output = await runBatches({ input: [[], [1], []], operation: (s) => s.map((x) => x + 1).filter((x) => x > 0) })

    expect(output).toEqual([[], [2], []])
  })

  it('runs one batch per batch time at the first multiple of the batch duration after the clock', async () => {
    const output = await runBatchesWithTimes({ input: [[1], [2], [3]], operation: (s) => s.map((x) => x) })

    expect(output.every((batch) => batch.time instanceof Time)).toBe(true)
    expect(output.map((batch) => batch.time.milliseconds)).toEqual([1000, 2000, 3000])
    expect(output.map((batch) => batch.time.toString())).toEqual(['1000 ms', '2000 ms', '3000 ms'])
  })

  it('refuses a function that reads an outer variable when it is passed in, naming the variable', async () => {
    const sc = sharedSparkContext()
    const ssc = new StreamingContext(sc, Seconds(1), { clock: new ManualClock() })
    try {
      const factor = 3
      const error = thrownBy<ClosureError>(() => ssc.queueStream<number>([]).map((x) => x * factor))

      expect(error).toBeInstanceOf(ClosureError)
      expect(error.message).toMatch(/factor/)
      expect(error.variables).toEqual(['factor'])
    } finally {
      await ssc.stop(false)
    }
  })
})

describe('glom, mapPartitions, repartition', () => {
  it('glom gives each partition of a batch as an array', async () => {
    const output = await runBatches({ input: oneToTwelve, operation: (s) => s.glom() })

    expect(output).toEqual([
      [[1, 2], [3, 4]],
      [[5, 6], [7, 8]],
      [[9, 10], [11, 12]],
    ])
  })

  it('mapPartitions runs the function once per partition', async () => {
    const output = await runBatches({
      input: oneToTwelve,
      operation: (s) =>
        s.mapPartitions((values) => {
          let sum = 0
          for (const value of values) sum += value
          return [sum]
        }),
      sort: true,
    })

    expect(output).toEqual([[3, 7], [11, 15], [19, 23]])
  })

  it('repartition spreads each batch over more partitions without losing records', async () => {
    const input = [range(1, 100), range(101, 200), range(201, 300)]
    const output = await runBatches({ input, operation: (s) => s.repartition(5).glom() })

    expect(output.map((batch) => batch.length)).toEqual([5, 5, 5])
    expect(output.map((batch) => batch.flat().sort((a, b) => a - b))).toEqual(input)
  })

  it('repartition gathers each batch into fewer partitions without losing records', async () => {
    const input = [range(1, 100), range(101, 200), range(201, 300)]
    const output = await runBatches({ input, numSlices: 5, operation: (s) => s.repartition(2).glom() })

    expect(output.map((batch) => batch.length)).toEqual([2, 2, 2])
    expect(output.map((batch) => batch.flat().sort((a, b) => a - b))).toEqual(input)
  })
})

describe('transform', () => {
  it('applies any RDD-to-RDD function to each batch', async () => {
    const output = await runBatches({ input: oneToTwelve, operation: (s) => s.transform((rdd) => rdd.map((x) => String(x))) })

    expect(output).toEqual(oneToTwelve.map((batch) => batch.map(String)))
  })

  it('passes the batch time to the function', async () => {
    const output = await runBatches({
      input: [['a'], ['b']],
      operation: (s) =>
        s.transform((rdd, time) => {
          const timeMs = time.milliseconds
          return rdd.map(capture({ timeMs }, (value) => [value, timeMs] as [string, number]))
        }),
    })

    expect(output).toEqual([[['a', 1000]], [['b', 2000]]])
  })

  it('reports a function that returns null instead of an RDD when the batch is generated', async () => {
    const sc = sharedSparkContext()
    const clock = new ManualClock()
    const ssc = new StreamingContext(sc, Seconds(1), { clock })
    const log = captureLog()
    try {
      ssc.queueStream([[1, 2]]).transform(() => null as unknown as RDD<number>).foreachRDD(() => {})
      await ssc.start()
      const error = await rejectionOf<TypeError>(clock.advance(Seconds(1)))

      expect(error).toBeInstanceOf(TypeError)
      expect(error.message).toBe('The function given to transform returned null for batch 1000 ms; it must return an RDD')
      await expect(ssc.awaitTerminationOrTimeout(10)).rejects.toBe(error)
      expect(log.at('ERROR')[0]).toMatch(/^ERROR JobScheduler: Error generating jobs for time 1000 ms: TypeError: The function given to transform returned null/)
    } finally {
      log.restore()
      await ssc.stop(false)
    }
  })
})

describe('transformWith and StreamingContext.transform', () => {
  it('transformWith joins the two streams batch by batch', async () => {
    const output = await runBatches({
      input: [['a', 'b'], ['a', ''], [''], []],
      otherInput: [['a', 'b'], ['b', ''], [], ['']],
      operation: (s1, s2) =>
        s1.map((x) => [x, 1] as [string, number]).transformWith(s2.map((x) => [x, 'x'] as [string, string]), (rdd1, rdd2) => rdd1.join(rdd2)),
      sort: true,
    })

    expect(output).toEqual([[['a', [1, 'x']], ['b', [1, 'x']]], [['', [1, 'x']]], [], []])
  })

  it('StreamingContext.transform combines the batches of several streams', async () => {
    const output = await runBatches({
      input: [range(1, 4), range(101, 104), range(201, 204)],
      operation: (s) => s.context.transform([s, s.map((x) => x + 4), s.map((x) => x + 8)], (rdds) => s.context.sparkContext.union(...(rdds as RDD<number>[]))),
      sort: true,
    })

    expect(output).toEqual([range(1, 12), range(101, 112), range(201, 212)])
  })

  it('StreamingContext.transform passes the batch time', async () => {
    const times: number[] = []
    await runBatches({
      input: [[1], [2]],
      operation: (s) =>
        s.context.transform([s], (rdds, time) => {
          times.push(time.milliseconds)
          return rdds[0] as RDD<number>
        }),
    })

    expect(times).toEqual([1000, 2000])
  })
})

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}
