import { describe, expect, it } from 'vitest'

import { ManualClock, type RDD, Seconds, StreamingContext } from '../../../src/index.js'
import { thrownBy } from '../../support/rejection.js'
import { sharedSparkContext } from '../../support/run-batches.js'

/** Runs `batches` batches of a queue stream set up by `define`, returning each batch's records. */
async function collectQueue<T>(
  define: (ssc: StreamingContext) => import('../../../src/index.js').DStream<T>,
  batches: number,
  between?: (batch: number) => void,
): Promise<T[][]> {
  const clock = new ManualClock()
  const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock })
  const output: T[][] = []
  try {
    define(ssc).foreachRDD(async (rdd) => {
      output.push(await rdd.collect())
    })
    await ssc.start()
    for (let i = 0; i < batches; i++) {
      between?.(i)
      await clock.advance(Seconds(1))
    }
  } finally {
    await ssc.stop(false)
  }
  return output
}

describe('queueStream', () => {
  it('takes one queued array per batch, then gives empty batches', async () => {
    const output = await collectQueue((ssc) => ssc.queueStream([[1, 2], [3]]), 4)

    expect(output).toEqual([[1, 2], [3], [], []])
  })

  it('takes everything queued in one batch when oneAtATime is false', async () => {
    const output = await collectQueue((ssc) => ssc.queueStream([[1, 2], [3], [4]], false), 2)

    expect(output).toEqual([[1, 2, 3, 4], []])
  })

  it('gives defaultRDD for a batch when the queue is empty', async () => {
    const output = await collectQueue((ssc) => ssc.queueStream([[1]], true, ssc.sparkContext.parallelize([0, 0])), 3)

    expect(output).toEqual([[1], [0, 0], [0, 0]])
  })

  it('takes RDDs as well as arrays', async () => {
    const output = await collectQueue((ssc) => ssc.queueStream<number>([ssc.sparkContext.parallelize([7, 8], 2), [9]]), 2)

    expect(output).toEqual([[7, 8], [9]])
  })

  it('reads items added to the queue after start', async () => {
    const queue: number[][] = []
    const output = await collectQueue(
      (ssc) => ssc.queueStream(queue),
      4,
      (batch) => {
        if (batch % 2 === 1) queue.push([batch * 10])
      },
    )

    expect(output).toEqual([[], [10], [], [30]])
  })

  it('is read once per batch even when no output uses it', async () => {
    const unused: number[][] = [[1], [2], [3]]
    const output = await collectQueue((ssc) => {
      ssc.queueStream(unused)
      return ssc.queueStream([['a'], ['b']])
    }, 2)

    expect(output).toEqual([['a'], ['b']])
    expect(unused).toEqual([[3]])
  })

  it('refuses a queue that is not an array', async () => {
    const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock: new ManualClock() })
    try {
      const error = thrownBy<TypeError>(() => ssc.queueStream('not a queue' as unknown as RDD<string>[]))

      expect(error).toBeInstanceOf(TypeError)
      expect(error.message).toBe('queueStream needs an array of RDDs or arrays, got string')
    } finally {
      await ssc.stop(false)
    }
  })
})

describe('queueStream regressions', () => {
  it('a refused queue leaves no half-made input stream behind to fail every batch', async () => {
    const output = await collectQueue((ssc) => {
      expect(() => ssc.queueStream(undefined as unknown as number[][])).toThrow(TypeError)
      return ssc.queueStream([[1], [2]])
    }, 2)

    expect(output).toEqual([[1], [2]])
  })
})
