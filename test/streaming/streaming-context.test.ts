import { EventEmitter } from 'node:events'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, afterEach, describe, expect, it } from 'vitest'

import { IllegalStateError, ManualClock, Milliseconds, Seconds, SparkConf, type SparkContext, StreamingContext, TaskFailedError } from '../../src/index.js'
import { captureLog, type LogCapture } from '../support/log-capture.js'
import { rejectionOf, thrownBy } from '../support/rejection.js'
import { sharedSparkContext } from '../support/run-batches.js'

const scratch = mkdtempSync(join(tmpdir(), 'sluice-streaming-context-'))
const contexts: StreamingContext[] = []
let log: LogCapture | null = null

/** A context on the shared SparkContext and a ManualClock at `startMs`; stopped (keeping the SparkContext) after the test. */
function newContext(startMs = 0, batchMs = 1000): { ssc: StreamingContext; clock: ManualClock; sc: SparkContext } {
  const sc = sharedSparkContext()
  const clock = new ManualClock(startMs)
  const ssc = new StreamingContext(sc, Milliseconds(batchMs), { clock })
  contexts.push(ssc)
  return { ssc, clock, sc }
}

/** A promise and the function that settles it, to hold a batch's job open. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = (): void => {}
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { opened, open }
}

afterEach(async () => {
  log?.restore()
  log = null
  for (const ssc of contexts.splice(0)) await ssc.stop(false)
})

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true })
})

describe('constructing', () => {
  it('rejects a batch duration that is not a positive number of milliseconds', () => {
    const sc = sharedSparkContext()

    for (const [duration, shown] of [[0, '0'], [-5, '-5']] as const) {
      const error = thrownBy<RangeError>(() => new StreamingContext(sc, duration))
      expect(error).toBeInstanceOf(RangeError)
      expect(error.message).toBe(`batchDuration must be a positive number of milliseconds, got ${shown}`)
    }
    const fractional = thrownBy<TypeError>(() => new StreamingContext(sc, 0.5))
    expect(fractional).toBeInstanceOf(TypeError)
    expect(fractional.message).toBe('batchDuration must be a Duration or a whole number of milliseconds, got 0.5')
  })

  it('from a SparkConf uses the active SparkContext, as SparkContext.getOrCreate does', async () => {
    const sc = sharedSparkContext()
    const ssc = new StreamingContext(new SparkConf().setMaster('local[1]').setAppName('ignored'), Seconds(1))
    contexts.push(ssc)

    expect(ssc.sparkContext).toBe(sc)
    expect(ssc.batchDuration.milliseconds).toBe(1000)
    expect(ssc.getState()).toBe('INITIALIZED')
  })

  it('checkpoint(dir) creates the directory and remembers it', () => {
    const { ssc } = newContext()
    const directory = join(scratch, 'checkpoint', 'nested')
    ssc.checkpoint(directory)

    expect(existsSync(directory)).toBe(true)
    expect(ssc.checkpointDirectory).toBe(directory)
  })
})

describe('lifecycle', () => {
  it('moves from INITIALIZED to ACTIVE to STOPPED, and keeps the SparkContext with stop(false)', async () => {
    const { ssc, sc } = newContext()
    ssc.queueStream([[1]]).foreachRDD(() => {})

    expect(ssc.getState()).toBe('INITIALIZED')
    await ssc.start()
    expect(ssc.getState()).toBe('ACTIVE')
    await ssc.stop(false)
    expect(ssc.getState()).toBe('STOPPED')
    expect(sc.isStopped).toBe(false)
    expect(await sc.parallelize([1, 2, 3]).count()).toBe(3)
  })

  it('start() twice is harmless: the second call warns and changes nothing', async () => {
    const { ssc } = newContext()
    ssc.queueStream([[1]]).foreachRDD(() => {})
    log = captureLog()
    await ssc.start()
    await ssc.start()

    expect(ssc.getState()).toBe('ACTIVE')
    expect(log.at('WARN')).toEqual(['WARN StreamingContext: StreamingContext has already been started'])
  })

  it('stop() twice, or before start(), is harmless', async () => {
    const { ssc } = newContext()
    ssc.queueStream([[1]]).foreachRDD(() => {})
    await ssc.stop(false)
    await ssc.stop(false)

    expect(ssc.getState()).toBe('STOPPED')
  })

  it('a stopped context cannot be started again', async () => {
    const { ssc } = newContext()
    ssc.queueStream([[1]]).foreachRDD(() => {})
    await ssc.start()
    await ssc.stop(false)
    const error = await rejectionOf<IllegalStateError>(ssc.start())

    expect(error).toBeInstanceOf(IllegalStateError)
    expect(error.message).toBe('StreamingContext has already been stopped and cannot be restarted; create a new StreamingContext')
  })

  it('start() with no output operation is an error, and the context can still be completed and started', async () => {
    const { ssc, clock } = newContext()
    const stream = ssc.queueStream([[1]])
    const error = await rejectionOf<IllegalStateError>(ssc.start())

    expect(error).toBeInstanceOf(IllegalStateError)
    expect(error.message).toBe('No output operations registered, so nothing to execute; add print(), foreachRDD() or saveAsTextFiles() before start()')
    expect(ssc.getState()).toBe('INITIALIZED')
    expect(StreamingContext.getActive()).toBeNull()

    const seen: number[][] = []
    stream.foreachRDD(async (rdd) => void seen.push(await rdd.collect()))
    await ssc.start()
    await clock.advance(Seconds(1))
    expect(seen).toEqual([[1]])
  })

  it('a start() refused for a missing checkpoint directory can be retried after ssc.checkpoint(dir), at a later time', async () => {
    const { ssc, clock } = newContext()
    const seen: [number, unknown[]][] = []
    ssc
      .queueStream([[['a', 1]], [['a', 1]]] as [string, number][][])
      .updateStateByKey((values: number[], state: number | null) => (state ?? 0) + values.length)
      .foreachRDD(async (rdd, time) => void seen.push([time.milliseconds, await rdd.collect()]))
    const error = await rejectionOf<IllegalStateError>(ssc.start())
    expect(error).toBeInstanceOf(IllegalStateError)
    expect(error.message).toMatch(/needs a checkpoint directory/)

    ssc.checkpoint(join(scratch, 'retried'))
    clock.setTime(4500)
    await ssc.start()
    await clock.advance(Seconds(2))

    expect(seen).toEqual([
      [5000, [['a', 1]]],
      [6000, [['a', 2]]],
    ])
  })

  it('only one StreamingContext is active per process; getActive() names it', async () => {
    const first = newContext()
    const second = newContext()
    first.ssc.queueStream([[1]]).foreachRDD(() => {})
    second.ssc.queueStream([[2]]).foreachRDD(() => {})

    expect(StreamingContext.getActive()).toBeNull()
    await first.ssc.start()
    expect(StreamingContext.getActive()).toBe(first.ssc)
    const error = await rejectionOf<IllegalStateError>(second.ssc.start())
    expect(error).toBeInstanceOf(IllegalStateError)
    expect(error.message).toBe('Only one StreamingContext may be started in this process; stop the active one (StreamingContext.getActive()) first')
    expect(second.ssc.getState()).toBe('INITIALIZED')

    await first.ssc.stop(false)
    expect(StreamingContext.getActive()).toBeNull()
    await second.ssc.start()
    expect(StreamingContext.getActive()).toBe(second.ssc)
  })

  it('getActiveOrCreate returns the active context, or makes one with createFn', async () => {
    const { ssc } = newContext()
    ssc.queueStream([[1]]).foreachRDD(() => {})
    let created = 0
    const create = (): StreamingContext => {
      created++
      return newContext().ssc
    }

    const made = StreamingContext.getActiveOrCreate(create)
    expect(created).toBe(1)
    expect(made).not.toBe(ssc)
    await ssc.start()
    expect(StreamingContext.getActiveOrCreate(create)).toBe(ssc)
    expect(created).toBe(1)
  })

  it('a SparkContext is reused by a new StreamingContext after stop(false)', async () => {
    for (const round of [1, 2, 3]) {
      const { ssc, clock } = newContext()
      const seen: number[][] = []
      ssc.queueStream([[round], [round * 10]]).foreachRDD(async (rdd) => void seen.push(await rdd.collect()))
      await ssc.start()
      await clock.advance(Seconds(2))
      await ssc.stop(false)

      expect(seen).toEqual([[round], [round * 10]])
    }
  })

  it('stop() stops the SparkContext too by default; no context can then be made on it', async () => {
    const { ssc, sc } = newContext()
    ssc.queueStream([[1]]).foreachRDD(() => {})
    await ssc.start()
    await ssc.stop()

    expect(sc.isStopped).toBe(true)
    const error = thrownBy<IllegalStateError>(() => new StreamingContext(sc, Seconds(1)))
    expect(error).toBeInstanceOf(IllegalStateError)
    expect(error.message).toBe('Cannot create a StreamingContext on a stopped SparkContext; create a new SparkContext first')
  })
})

describe('batch times', () => {
  it.each([
    [0, [1000, 2000]],
    [1000, [2000, 3000]],
    [1500, [2000, 3000]],
  ])('with the clock at %i ms at start, the first batches are at %j', async (startMs, expected) => {
    const { ssc, clock } = newContext(startMs)
    const times: number[] = []
    ssc.queueStream([[1], [2]]).foreachRDD((_rdd, time) => void times.push(time.milliseconds))
    await ssc.start()
    await clock.advance(expected[1]! - startMs)

    expect(times).toEqual(expected)
  })

  it('generates every batch in order when the clock jumps several batch durations', async () => {
    const { ssc, clock } = newContext(0, 500)
    const seen: [number, number[]][] = []
    ssc.queueStream([[1], [2], [3], [4]]).foreachRDD(async (rdd, time) => void seen.push([time.milliseconds, await rdd.collect()]))
    await ssc.start()
    await clock.advance(Seconds(2))

    expect(seen).toEqual([
      [500, [1]],
      [1000, [2]],
      [1500, [3]],
      [2000, [4]],
    ])
  })

  it('a ManualClock moved with setTime generates the batches due without waiting for them', async () => {
    const { ssc, clock } = newContext()
    const seen: number[] = []
    ssc.queueStream([[1], [2]]).foreachRDD((_rdd, time) => void seen.push(time.milliseconds))
    await ssc.start()
    clock.setTime(2000)
    await clock.advance(0)

    expect(clock.getTimeMillis()).toBe(2000)
    expect(seen).toEqual([1000, 2000])
  })
})

describe('failures', () => {
  it('clock.advance rejects with the error of a task that failed, and awaitTermination too', async () => {
    const { ssc, clock } = newContext()
    log = captureLog()
    ssc
      .queueStream([[1, 2]])
      .map((x) => {
        if (x === 2) throw new Error('error in map task')
        return x
      })
      .foreachRDD(async (rdd) => void (await rdd.count()))
    await ssc.start()
    const error = await rejectionOf<TaskFailedError>(clock.advance(Seconds(1)))

    expect(error).toBeInstanceOf(TaskFailedError)
    expect(error.message).toMatch(/failed 4 times \(spark\.task\.maxFailures\); most recent failure: Error: error in map task/)
    expect(error.attempts).toBe(4)
    expect(error.workerMessage).toBe('error in map task')
    expect(error.cause).toBeInstanceOf(Error)
    expect((error.cause as Error).message).toBe('error in map task')
    await expect(ssc.awaitTermination()).rejects.toBe(error)
    await expect(ssc.awaitTerminationOrTimeout(1000)).rejects.toBe(error)
    expect(ssc.getState()).toBe('ACTIVE')
  })

  it('awaitTermination rejects with a failed batch’s error while later batches still run', async () => {
    const { ssc, clock } = newContext()
    log = captureLog()
    const seen: number[] = []
    ssc.queueStream([[1], [2], [3], [4]]).foreachRDD(async (rdd, time) => {
      if (time.milliseconds === 2000) throw new Error('batch 2000 failed')
      seen.push(...(await rdd.collect()))
    })
    await ssc.start()
    const terminated = rejectionOf(ssc.awaitTermination())
    await clock.advance(Seconds(1))
    await expect(clock.advance(Seconds(1))).rejects.toThrow('batch 2000 failed')
    const error = await terminated
    await clock.advance(Seconds(2))

    expect(error.message).toBe('batch 2000 failed')
    expect(seen).toEqual([1, 3, 4])
    expect(ssc.getState()).toBe('ACTIVE')
  })

  it('clock.advance over several batches runs them all before rejecting with the error of the one that failed', async () => {
    const { ssc, clock } = newContext()
    log = captureLog()
    const seen: number[] = []
    ssc.queueStream([[1], [2], [3]]).foreachRDD(async (rdd, time) => {
      if (time.milliseconds === 1000) throw new Error('first batch failed')
      seen.push(...(await rdd.collect()))
    })
    await ssc.start()
    const error = await rejectionOf(clock.advance(Seconds(3)))

    expect(error.message).toBe('first batch failed')
    expect(seen).toEqual([2, 3])
    // Nothing failed since: the next advance resolves.
    await clock.advance(Seconds(1))
  })

  it('awaitTermination rejects with an error thrown while generating a batch (Spark "error in job generation")', async () => {
    const { ssc, clock } = newContext()
    log = captureLog()
    ssc
      .queueStream([[1]])
      .transform(() => {
        throw new Error('error in transform')
      })
      .foreachRDD(() => {})
    await ssc.start()
    const terminated = rejectionOf(ssc.awaitTermination())
    await expect(clock.advance(Seconds(1))).rejects.toThrow('error in transform')

    expect((await terminated).message).toBe('error in transform')
    expect(log.at('ERROR')[0]).toMatch(/^ERROR JobScheduler: Error generating jobs for time 1000 ms: Error: error in transform/)
  })
})

describe('awaitTermination', () => {
  it('resolves once the context is stopped', async () => {
    const { ssc } = newContext()
    ssc.queueStream([[1]]).foreachRDD(() => {})
    await ssc.start()
    let resolved = false
    const terminated = ssc.awaitTermination().then(() => (resolved = true))
    await new Promise((resolve) => setImmediate(resolve))

    expect(resolved).toBe(false)
    await ssc.stop(false)
    await terminated
    expect(resolved).toBe(true)
  })

  it('resolves at once after stop', async () => {
    const { ssc } = newContext()
    ssc.queueStream([[1]]).foreachRDD(() => {})
    await ssc.start()
    await ssc.stop(false)

    await expect(ssc.awaitTermination()).resolves.toBeUndefined()
    await expect(ssc.awaitTerminationOrTimeout(10_000)).resolves.toBe(true)
  })

  it('awaitTerminationOrTimeout gives false after the timeout in wall-clock time, even under a ManualClock', async () => {
    const { ssc, clock } = newContext()
    ssc.queueStream([[1]]).foreachRDD(() => {})
    await ssc.start()
    const started = Date.now()

    await expect(ssc.awaitTerminationOrTimeout(50)).resolves.toBe(false)
    expect(Date.now() - started).toBeGreaterThanOrEqual(45)
    expect(clock.getTimeMillis()).toBe(0)
  })

  it('awaitTerminationOrTimeout gives true when the context stops first', async () => {
    const { ssc } = newContext()
    ssc.queueStream([[1]]).foreachRDD(() => {})
    await ssc.start()
    const waiting = ssc.awaitTerminationOrTimeout(10_000)
    await ssc.stop(false)

    await expect(waiting).resolves.toBe(true)
  })
})

describe('stopping', () => {
  /** A context whose first batch's job waits on a gate, with batches 2000 and 3000 already queued behind it. */
  async function contextWithQueuedBatches(): Promise<{ ssc: StreamingContext; seen: number[]; open: () => void }> {
    const { ssc, clock } = newContext()
    const { opened, open } = gate()
    const seen: number[] = []
    let submitted = 0
    let allSubmitted = (): void => {}
    const threeSubmitted = new Promise<void>((resolve) => (allSubmitted = resolve))
    ssc.addStreamingListener({ onBatchSubmitted: () => void (++submitted === 3 && allSubmitted()) })
    ssc.queueStream([[1], [2], [3]]).foreachRDD(async (rdd, time) => {
      if (time.milliseconds === 1000) await opened
      seen.push(...(await rdd.collect()))
    })
    await ssc.start()
    clock.setTime(3000)
    await threeSubmitted
    return { ssc, seen, open }
  }

  it('stop() waits for the running batch and drops the queued ones', async () => {
    const { ssc, seen, open } = await contextWithQueuedBatches()
    const stopped = ssc.stop(false)
    open()
    await stopped

    expect(seen).toEqual([1])
    expect(ssc.getState()).toBe('STOPPED')
  })

  it('a graceful stop runs every batch already generated first', async () => {
    const { ssc, seen, open } = await contextWithQueuedBatches()
    const stopped = ssc.stop(false, true)
    open()
    await stopped

    expect(seen).toEqual([1, 2, 3])
  })

  it('stop() during a batch lets a pending clock.advance resolve', async () => {
    const { ssc, clock } = newContext()
    const { opened, open } = gate()
    ssc.queueStream([[1]]).foreachRDD(async () => {
      await opened
    })
    await ssc.start()
    const advanced = clock.advance(Seconds(5))
    const stopped = ssc.stop(false)
    open()
    await stopped

    await expect(advanced).resolves.toBeUndefined()
  })
})

describe('ManualClock', () => {
  it('leaves no abort listener behind on the signal once a wait is over', async () => {
    const clock = new ManualClock()
    const controller = new AbortController()
    for (let time = 1; time <= 20; time++) {
      const waited = clock.waitTill(time, controller.signal)
      clock.setTime(time)
      await waited
    }

    expect(EventEmitter.getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  it('resolves a wait when its signal aborts, and forgets it', async () => {
    const clock = new ManualClock()
    const controller = new AbortController()
    const waited = clock.waitTill(5000, controller.signal)
    controller.abort()
    await waited
    clock.setTime(5000)

    expect(clock.getTimeMillis()).toBe(5000)
  })
})

describe('StreamingContext.stop, called twice', () => {
  it('makes the second call wait until the first has finished', async () => {
    const { ssc, sc } = newContext()
    ssc.queueStream([[1]]).foreachRDD(() => {})
    await ssc.start()
    const order: string[] = []

    await Promise.all([ssc.stop(true).then(() => order.push('first')), ssc.stop(true).then(() => order.push('second'))])

    expect(order).toEqual(['first', 'second'])
    expect(sc.isStopped).toBe(true)
  })

  it('stops the SparkContext when asked after an earlier stop(false), as Spark does', async () => {
    const { ssc, sc } = newContext()
    ssc.queueStream([[1]]).foreachRDD(() => {})
    await ssc.start()

    await ssc.stop(false)
    expect(sc.isStopped).toBe(false)
    await ssc.stop(true)

    expect(sc.isStopped).toBe(true)
  })
})
