import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, describe, expect, it } from 'vitest'

import { IllegalStateError, ManualClock, type RDD, Seconds, StreamingContext, type Time } from '../../../src/index.js'
import { captureLog } from '../../support/log-capture.js'
import { rejectionOf, thrownBy } from '../../support/rejection.js'
import { runBatches, sharedSparkContext } from '../../support/run-batches.js'

const scratch = mkdtempSync(join(tmpdir(), 'sluice-for-each-'))

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true })
})

describe('foreachRDD', () => {
  it('runs the body on the driver with each batch’s RDD and time, awaiting an async body before the next batch', async () => {
    const events: string[] = []
    await runBatches({
      input: [[1, 2], [], [3]],
      operation: (s) => {
        s.foreachRDD(async (rdd, time) => {
          events.push(`start ${time}`)
          const records = await rdd.collect()
          // A slow body: the next batch must not start before it is done.
          await new Promise((resolve) => setImmediate(resolve))
          events.push(`end ${time}: [${records.join(',')}]`)
        })
        return s
      },
    })

    expect(events).toEqual(['start 1000 ms', 'end 1000 ms: [1,2]', 'start 2000 ms', 'end 2000 ms: []', 'start 3000 ms', 'end 3000 ms: [3]'])
  })

  it('runs the output operations of a batch in the order they were defined', async () => {
    const events: string[] = []
    await runBatches({
      input: [[1], [2]],
      operation: (s) => {
        s.foreachRDD(async (_rdd, time) => {
          await new Promise((resolve) => setImmediate(resolve))
          events.push(`first ${time.milliseconds}`)
        })
        s.map((x) => x * 2).foreachRDD((_rdd, time) => {
          events.push(`second ${time.milliseconds}`)
        })
        return s
      },
    })

    // The harness's own collecting output comes third, after these two.
    expect(events).toEqual(['first 1000', 'second 1000', 'first 2000', 'second 2000'])
  })

  it('gives every output operation of a batch the same RDD', async () => {
    const seen: RDD<number>[][] = [[], []]
    await runBatches({
      input: [[1], [2]],
      operation: (s) => {
        const doubled = s.map((x) => x * 2)
        doubled.foreachRDD((rdd) => void seen[0]?.push(rdd))
        doubled.foreachRDD((rdd) => void seen[1]?.push(rdd))
        return doubled
      },
    })

    expect(seen[0]).toHaveLength(2)
    expect(seen[0]?.map((rdd) => rdd.id)).toEqual(seen[1]?.map((rdd) => rdd.id))
  })

  it('keeps running later batches after a body throws, and reports the error', async () => {
    const clock = new ManualClock()
    const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock })
    const seen: number[] = []
    const log = captureLog()
    try {
      ssc.queueStream([[1], [2], [3]]).foreachRDD(async (rdd, time) => {
        if (time.milliseconds === 2000) throw new Error('bad batch')
        seen.push(...(await rdd.collect()))
      })
      await ssc.start()
      await clock.advance(Seconds(1))
      const error = await rejectionOf(clock.advance(Seconds(1)))
      await clock.advance(Seconds(1))

      expect(error.message).toBe('bad batch')
      expect(seen).toEqual([1, 3])
      expect(log.at('ERROR')).toHaveLength(1)
      expect(log.at('ERROR')[0]).toMatch(/^ERROR JobScheduler: Error running job foreachRDD \(output operation 0\) of batch 2000 ms: Error: bad batch/)
    } finally {
      log.restore()
      await ssc.stop(false)
    }
  })

  it('refuses something that is not a function', async () => {
    const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock: new ManualClock() })
    try {
      const error = thrownBy<TypeError>(() => ssc.queueStream<number>([]).foreachRDD(42 as unknown as (rdd: RDD<number>, time: Time) => void))

      expect(error).toBeInstanceOf(TypeError)
      expect(error.message).toBe('foreachRDD needs a function, got number')
    } finally {
      await ssc.stop(false)
    }
  })
})

describe('saveAsTextFiles', () => {
  it('writes each batch to the directory prefix-<time ms>, one part file per partition and _SUCCESS', async () => {
    const prefix = join(scratch, 'plain', 'counts')
    await runBatches({
      input: [[['a', 1], ['b', 2]], [], [['c', 3]]],
      operation: (s) => {
        s.saveAsTextFiles(prefix)
        return s
      },
    })

    expect(readdirSync(join(scratch, 'plain')).sort()).toEqual(['counts-1000', 'counts-2000', 'counts-3000'])
    expect(readdirSync(`${prefix}-1000`).sort()).toEqual(['_SUCCESS', 'part-00000', 'part-00001'])
    expect(readFileSync(`${prefix}-1000/part-00000`, 'utf8') + readFileSync(`${prefix}-1000/part-00001`, 'utf8')).toBe('(a,1)\n(b,2)\n')
    expect(readFileSync(`${prefix}-1000/_SUCCESS`, 'utf8')).toBe('')
    expect(readFileSync(`${prefix}-3000/part-00000`, 'utf8') + readFileSync(`${prefix}-3000/part-00001`, 'utf8')).toBe('(c,3)\n')
  })

  it('adds .suffix to each directory name when a suffix is given', async () => {
    const prefix = join(scratch, 'suffixed', 'out')
    await runBatches({
      input: [['x'], ['y']],
      operation: (s) => {
        s.saveAsTextFiles(prefix, 'txt')
        return s
      },
    })

    expect(readdirSync(join(scratch, 'suffixed')).sort()).toEqual(['out-1000.txt', 'out-2000.txt'])
  })

  it('an empty suffix adds nothing', async () => {
    const prefix = join(scratch, 'empty-suffix', 'out')
    await runBatches({
      input: [['x']],
      operation: (s) => {
        s.saveAsTextFiles(prefix, '')
        return s
      },
    })

    expect(readdirSync(join(scratch, 'empty-suffix'))).toEqual(['out-1000'])
  })
})

describe('output operations after start', () => {
  it('cannot be added once the context has started', async () => {
    const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock: new ManualClock() })
    try {
      const stream = ssc.queueStream<number>([])
      stream.foreachRDD(() => {})
      await ssc.start()
      const message = 'Cannot add a DStream or output operation after the StreamingContext has started; define every stream before start()'

      for (const add of [() => stream.foreachRDD(() => {}), () => stream.print(), () => stream.saveAsTextFiles(join(scratch, 'late'))]) {
        const error = thrownBy<IllegalStateError>(add)
        expect(error).toBeInstanceOf(IllegalStateError)
        expect(error.message).toBe(message)
      }
    } finally {
      await ssc.stop(false)
    }
  })
})
