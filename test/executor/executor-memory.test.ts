import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { SparkConf, SparkContext, TaskFailedError } from '../../src/index.js'
import { type LogCapture, captureLog } from '../support/log-capture.js'
import { rejectionOf } from '../support/rejection.js'

let sc: SparkContext
let log: LogCapture

beforeAll(() => {
  log = captureLog()
  // Two attempts rather than four: each one fills a 64 MB heap before it dies.
  sc = new SparkContext(
    new SparkConf().setMaster('local[2]').setAppName('executor-memory').set('spark.executor.memory', '64m').set('spark.task.maxFailures', 2),
  )
})

afterAll(async () => {
  await sc.stop()
  log.restore()
})

describe('spark.executor.memory', () => {
  it('fails a task that runs its worker out of memory with a TaskFailedError naming the limit', async () => {
    const error = await rejectionOf<TaskFailedError>(
      sc.parallelize([1], 1).map((x: number) => {
        const hoard: number[][] = []
        for (;;) hoard.push(new Array(100_000).fill(x))
      }).collect(),
    )

    expect(error).toBeInstanceOf(TaskFailedError)
    expect(error).toMatchObject({ partition: 0, attempts: 2 })
    expect(error.workerMessage).toMatch(/^worker thread died while running the task: .*out of memory/)
    expect(error.message).toMatch(/heap limit of 64 MB \(spark\.executor\.memory\)/)
    expect(error.message).toMatch(/raise spark\.executor\.memory/)
    expect(error.cause).toBeInstanceOf(Error)
    expect((error.cause as Error).cause).toMatchObject({ code: 'ERR_WORKER_OUT_OF_MEMORY' })
  })

  it('runs the next job correctly on the replaced workers', async () => {
    const result = await sc.parallelize([1, 2, 3, 4, 5], 2).map((x: number) => x * x).reduce((a: number, b: number) => a + b)

    expect(result).toBe(55)
  })
})
