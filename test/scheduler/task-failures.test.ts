import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { SparkConf, SparkContext, TaskFailedError, capture } from '../../src/index.js'
import { type LogCapture, captureLog } from '../support/log-capture.js'
import { rejectionOf } from '../support/rejection.js'

let sc: SparkContext
let log: LogCapture
let scratch: string

beforeAll(() => {
  log = captureLog()
  scratch = mkdtempSync(join(tmpdir(), 'sluice-task-failures-'))
  sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('task-failures'))
})

afterAll(async () => {
  await sc.stop()
  log.restore()
  rmSync(scratch, { recursive: true, force: true })
})

afterEach(() => log.clear())

/**
 * A function that throws the first time any thread calls it with `failOn`
 * and behaves as `x => x * 10` afterwards. The marker file is how attempts
 * on different worker threads agree that the failure already happened.
 */
function failingOnce(name: string, failOn: number): (x: number) => number {
  const marker = join(scratch, name)
  return capture({ marker, failOn }, (x: number) => {
    const fs = process.getBuiltinModule('node:fs')
    if (x === failOn && !fs.existsSync(marker)) {
      fs.writeFileSync(marker, '')
      throw new Error(`first attempt at ${x} fails`)
    }
    return x * 10
  })
}

describe('a function that throws on every attempt', () => {
  it('fails the job with a TaskFailedError after 4 attempts, the default spark.task.maxFailures', async () => {
    const rdd = sc.parallelize([1, 2, 3, 4], 2).map((x: number) => {
      if (x === 3) throw new RangeError(`bad record ${x}`)
      return x
    })

    const error = await rejectionOf<TaskFailedError>(rdd.collect())

    expect(error).toBeInstanceOf(TaskFailedError)
    expect(error.name).toBe('TaskFailedError')
    expect(error).toMatchObject({ partition: 1, attempts: 4, workerMessage: 'bad record 3' })
    expect(error.stageId).toEqual(expect.any(Number))
    expect(error.message).toMatch(
      new RegExp(`^Job \\d+ aborted: task for partition 1 of stage ${error.stageId} \\(MapPartitionsRDD\\[${rdd.id}\\] at map at task-failures\\.test\\.ts:\\d+\\) failed 4 times \\(spark\\.task\\.maxFailures\\)`),
    )
    expect(error.message).toContain('most recent failure: RangeError: bad record 3')
  })

  it("keeps the worker's stack, with the frame of the user's function, and its error as the cause", async () => {
    const error = await rejectionOf<TaskFailedError>(
      sc.parallelize([1], 1).map((x: number) => {
        throw new TypeError(`cannot handle ${x}`)
      }).collect(),
    )

    expect(error).toBeInstanceOf(TaskFailedError)
    expect(error.workerStack).toMatch(/^TypeError: cannot handle 1\n/)
    expect(error.workerStack).toMatch(/\n\s+at .*sluice:\/map-\d+\.js:\d+:\d+/)
    expect(error.cause).toBeInstanceOf(Error)
    expect(error.cause).toMatchObject({ name: 'TypeError', message: 'cannot handle 1', stack: error.workerStack })
  })

  it('logs each lost attempt as a WARN line and the aborted job as an ERROR line', async () => {
    const rdd = sc.parallelize(['a', 'b'], 2).filter((s: string) => {
      if (s === 'b') throw new Error('no b allowed')
      return true
    })

    const error = await rejectionOf<TaskFailedError>(rdd.count())

    const stage = error.stageId
    expect(log.at('WARN')).toEqual([0, 1, 2, 3].map((attempt) => expect.stringMatching(
      new RegExp(`^WARN TaskSetManager: Lost task 1\\.${attempt} in stage ${stage} \\(TID \\d+\\) \\(partition 1\\): Error: no b allowed$`),
    )))
    expect(log.at('ERROR')).toEqual([`ERROR TaskSetManager: Task 1 in stage ${stage} failed 4 times; aborting job`])
  })

  it('reports a thrown value that is not an Error by its string form', async () => {
    const error = await rejectionOf<TaskFailedError>(
      sc.parallelize([1], 1).foreach(() => {
        throw 'plain string thrown'
      }),
    )

    expect(error).toBeInstanceOf(TaskFailedError)
    expect(error.workerMessage).toBe('plain string thrown')
    expect(error.message).toContain('most recent failure: Error: plain string thrown')
  })

  it("names the shuffle's map stage when the function of a reduceByKey throws there", async () => {
    // Partition 0 holds both 'a' records, so its map-side combine adds 1 + 2 and throws there.
    const pairs = sc.parallelize([['a', 1], ['a', 2], ['b', 3], ['b', 5]] as [string, number][], 2)
    const sums = pairs.reduceByKey((a: number, b: number) => {
      if (a + b === 3) throw new Error(`sum ${a + b} refused`)
      return a + b
    })

    const error = await rejectionOf<TaskFailedError>(sums.collect())

    expect(error).toBeInstanceOf(TaskFailedError)
    expect(error).toMatchObject({ partition: 0, attempts: 4, workerMessage: 'sum 3 refused' })
    expect(error.message).toContain(`of stage ${error.stageId} (ParallelCollectionRDD[${pairs.id}] at parallelize at task-failures.test.ts:`)
    expect(error.workerStack).toMatch(/sluice:\/reduceByKey-\d+\.js/)
  })

  it('leaves the context able to run the next job', async () => {
    await rejectionOf(sc.parallelize([1, 2], 2).map(() => {
      throw new Error('always')
    }).collect())

    await expect(sc.parallelize([1, 2, 3, 4], 2).map((x: number) => x + 1).collect()).resolves.toEqual([2, 3, 4, 5])
  })
})

describe('a function that throws only on its first attempt', () => {
  it('is retried and the job succeeds with every record', async () => {
    const result = await sc.parallelize([1, 2, 3, 4, 5, 6], 3).map(failingOnce('map-once', 4)).collect()

    expect(result).toEqual([10, 20, 30, 40, 50, 60])
  })

  it('logs the lost attempt as one WARN line and nothing at ERROR', async () => {
    await sc.parallelize([1, 2, 3], 1).map(failingOnce('logged-once', 2)).collect()

    expect(log.at('WARN')).toEqual([
      expect.stringMatching(/^WARN TaskSetManager: Lost task 0\.0 in stage \d+ \(TID \d+\) \(partition 0\): Error: first attempt at 2 fails$/),
    ])
    expect(log.at('ERROR')).toEqual([])
  })

  it('is retried in a shuffle map stage without counting its records twice', async () => {
    const counts = await sc
      .parallelize([1, 2, 3, 4, 5, 6], 2)
      .map(failingOnce('shuffle-once', 5))
      .map((x: number) => [x % 20, 1] as [number, number])
      .reduceByKey((a: number, b: number) => a + b)
      .collect()

    expect(counts.sort((a, b) => a[0] - b[0])).toEqual([[0, 3], [10, 3]])
  })

  it('adds to an accumulator only the updates of the attempt that succeeded', async () => {
    const seen = sc.longAccumulator('seen')
    const marker = join(scratch, 'accumulator-once')
    const visit = capture({ seen, marker }, (x: number) => {
      seen.add(1)
      const fs = process.getBuiltinModule('node:fs')
      if (x === 4 && !fs.existsSync(marker)) {
        fs.writeFileSync(marker, '')
        throw new Error('first attempt fails after adding')
      }
    })

    await sc.parallelize([1, 2, 3, 4], 2).foreach(visit)

    expect(seen.value).toBe(4)
    expect(log.at('WARN')).toHaveLength(1)
  })
})

describe('a job that fails in one partition', () => {
  it('keeps the accumulator updates of the tasks that succeeded, as Spark does', async () => {
    const seen = sc.longAccumulator('seen before the failure')
    const done = join(scratch, 'partition-0-done')
    // Partition 1 fails only once partition 0 has run: a job that fails first cancels the tasks still running.
    const visit = capture({ seen, done }, (x: number) => {
      const fs = process.getBuiltinModule('node:fs')
      const pause = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
      if (x === 4) {
        for (let waited = 0; !fs.existsSync(done) && waited < 10_000; waited += 10) pause(10)
        pause(100)
        throw new Error('partition 1 always fails')
      }
      seen.add(1)
      if (x === 2) fs.writeFileSync(done, '')
    })

    const error = await rejectionOf(sc.parallelize([1, 2, 3, 4], 2).foreach(visit))

    expect(error).toBeInstanceOf(TaskFailedError)
    expect(seen.value).toBe(2)
  })
})
