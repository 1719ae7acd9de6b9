import { describe, expect, it } from 'vitest'

import { type DStream, IllegalStateError, ManualClock, type RDD, Seconds, StreamingContext, Time } from '../../../src/index.js'
import { rejectionOf, thrownBy } from '../../support/rejection.js'
import { runBatches, sharedSparkContext } from '../../support/run-batches.js'

/** The records of the RDDs `slice` returns, in batch order. */
async function recordsOf<T>(rdds: Promise<RDD<T>[]>): Promise<T[]> {
  const records: T[] = []
  for (const rdd of await rdds) records.push(...(await rdd.collect()))
  return records
}

describe('slice', () => {
  it('gives the RDDs of the batch times from `from` to `to`, both included (Spark "slice")', async () => {
    const slices: Record<string, number[]> = {}
    await runBatches({
      input: [[1], [2], [3], [4]],
      operation: (s) => s,
      setup: (ssc) => ssc.remember(Seconds(10)),
      inspect: async (ssc) => {
        const input = ssc.graph.inputStreams[0] as DStream<number>
        slices['0-1000'] = await recordsOf(input.slice(new Time(0), new Time(1000)))
        slices['0-2000'] = await recordsOf(input.slice(new Time(0), new Time(2000)))
        slices['1000-2000'] = await recordsOf(input.slice(new Time(1000), new Time(2000)))
        slices['2000-4000'] = await recordsOf(input.slice(new Time(2000), new Time(4000)))
        slices['3000-3000'] = await recordsOf(input.slice(3000, 3000))
        slices['4000-2000'] = await recordsOf(input.slice(4000, 2000))
      },
    })

    expect(slices).toEqual({
      '0-1000': [1],
      '0-2000': [1, 2],
      '1000-2000': [1, 2],
      '2000-4000': [2, 3, 4],
      '3000-3000': [3],
      '4000-2000': [],
    })
  })

  it('aligns both ends down to the stream’s batch grid', async () => {
    const slices: Record<string, number[]> = {}
    await runBatches({
      input: [[1], [2], [3], [4]],
      operation: (s) => s.map((x) => x * 10),
      setup: (ssc) => ssc.remember(Seconds(10)),
      inspect: async (_ssc, mapped) => {
        slices['1500-3500'] = await recordsOf(mapped.slice(1500, 3500))
        slices['999-1999'] = await recordsOf(mapped.slice(999, 1999))
      },
    })

    expect(slices).toEqual({ '1500-3500': [10, 20, 30], '999-1999': [10] })
  })

  it('aligns to a windowed stream’s slide, not the batch duration', async () => {
    let windows: number[][] = []
    await runBatches({
      input: [[1], [2], [3], [4]],
      operation: (s) => s.window(Seconds(2), Seconds(2)),
      setup: (ssc) => ssc.remember(Seconds(10)),
      inspect: async (_ssc, windowed) => {
        windows = await Promise.all((await windowed.slice(1000, 5000)).map(async (rdd) => (await rdd.collect()).sort()))
      },
    })

    expect(windows).toEqual([
      [1, 2],
      [3, 4],
    ])
  })

  it('rejects on a stream whose context has not started', async () => {
    const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock: new ManualClock() })
    try {
      const stream = ssc.queueStream([[1]])
      const error = await rejectionOf<IllegalStateError>(stream.slice(0, 1000))

      expect(error).toBeInstanceOf(IllegalStateError)
      expect(error.message).toMatch(/^QueueInputDStream\[\d+\] at queueStream at dstream\.test\.ts:\d+ has not been initialized; start the StreamingContext first$/)
    } finally {
      await ssc.stop(false)
    }
  })

  it('rejects a time that is not a whole number of milliseconds', async () => {
    const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock: new ManualClock() })
    try {
      const error = await rejectionOf<TypeError>(ssc.queueStream([[1]]).slice(0.5, 1000))

      expect(error).toBeInstanceOf(TypeError)
      expect(error.message).toBe('slice from must be a Time or a whole number of milliseconds, got 0.5')
    } finally {
      await ssc.stop(false)
    }
  })
})

describe('remember', () => {
  it('keeps every stream’s RDDs for the duration asked for, and forgets older ones', async () => {
    let times: number[] = []
    await runBatches({
      input: [[1], [2], [3], [4], [5], [6]],
      operation: (s) => s.map((x) => x + 1),
      setup: (ssc) => ssc.remember(Seconds(3)),
      inspect: (ssc) => {
        times = [...(ssc.graph.inputStreams[0] as DStream<number>).generatedRDDs.keys()].sort((a, b) => a - b)
      },
    })

    expect(times).toEqual([4000, 5000, 6000])
  })

  it('by default keeps only the latest batch of a stream that no window needs', async () => {
    let times: number[] = []
    await runBatches({
      input: [[1], [2], [3]],
      operation: (s) => s.map((x) => x + 1),
      inspect: (_ssc, mapped) => {
        times = [...mapped.generatedRDDs.keys()]
      },
    })

    expect(times).toEqual([3000])
  })
})

describe('persist and cache', () => {
  it('persists each batch’s RDD and unpersists it once forgotten', async () => {
    const rdds: RDD<number>[] = []
    const levels: string[] = []
    await runBatches({
      input: [[1], [2], [3]],
      operation: (s) => {
        const cached = s.map((x) => x * 2).cache()
        cached.foreachRDD((rdd) => {
          rdds.push(rdd)
          levels.push(rdd.storageLevel)
        })
        return cached
      },
    })

    expect(levels).toEqual(['MEMORY_ONLY_SER', 'MEMORY_ONLY_SER', 'MEMORY_ONLY_SER'])
    expect(rdds.map((rdd) => rdd.storageLevel)).toEqual(['NONE', 'NONE', 'MEMORY_ONLY_SER'])
  })

  it('persist() and cache() return the stream itself', async () => {
    const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock: new ManualClock() })
    try {
      const stream = ssc.queueStream<number>([])

      expect(stream.persist()).toBe(stream)
      expect(stream.cache()).toBe(stream)
    } finally {
      await ssc.stop(false)
    }
  })
})

describe('streams after start', () => {
  it('no new stream can be defined once the context has started', async () => {
    const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock: new ManualClock() })
    try {
      const stream = ssc.queueStream<number>([])
      stream.foreachRDD(() => {})
      await ssc.start()
      const attempts = [
        () => stream.map((x) => x + 1),
        () => stream.window(Seconds(2)),
        () => ssc.queueStream([]),
        () => ssc.union(stream, stream),
        () => stream.checkpoint(Seconds(10)),
      ]

      for (const attempt of attempts) {
        const error = thrownBy<IllegalStateError>(attempt)
        expect(error).toBeInstanceOf(IllegalStateError)
        expect(error.message).toBe('Cannot add a DStream or output operation after the StreamingContext has started; define every stream before start()')
      }
    } finally {
      await ssc.stop(false)
    }
  })

  it('no new stream can be defined on a stopped context', async () => {
    const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock: new ManualClock() })
    const stream = ssc.queueStream<number>([])
    await ssc.stop(false)
    const error = thrownBy<IllegalStateError>(() => stream.map((x) => x))

    expect(error).toBeInstanceOf(IllegalStateError)
    expect(error.message).toBe('Cannot add a DStream or output operation to a stopped StreamingContext; create a new StreamingContext')
  })
})

describe('toString', () => {
  it('names the kind of stream, its id and where it was defined', async () => {
    const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock: new ManualClock() })
    try {
      const mapped = ssc.queueStream<number>([]).map((x) => x)

      expect(String(mapped)).toMatch(/^TransformedDStream\[1\] at map at dstream\.test\.ts:\d+$/)
    } finally {
      await ssc.stop(false)
    }
  })
})
