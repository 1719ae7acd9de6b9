import { describe, expect, it } from 'vitest'

import { SparkConf, SparkContext, TaskFailedError } from '../../src/index.js'
import { captureLog } from '../support/log-capture.js'
import { rejectionOf } from '../support/rejection.js'

/** How many attempts a context made at a task that always throws, and what it logged. */
async function attemptsWith(conf: SparkConf): Promise<{ error: TaskFailedError; warnings: string[] }> {
  const log = captureLog()
  const sc = new SparkContext(conf.setAppName('max-failures'))
  try {
    const error = await rejectionOf<TaskFailedError>(
      sc.parallelize([1], 1).map(() => {
        throw new Error('always fails')
      }).collect(),
    )
    return { error, warnings: log.at('WARN') }
  } finally {
    await sc.stop()
    log.restore()
  }
}

// Each test makes its own context: the limit is fixed when a context is created.
describe('the limit on attempts at one task', () => {
  it('is spark.task.maxFailures when it is set', async () => {
    const { error, warnings } = await attemptsWith(new SparkConf().setMaster('local[2]').set('spark.task.maxFailures', 2))

    expect(error).toBeInstanceOf(TaskFailedError)
    expect(error).toMatchObject({ partition: 0, attempts: 2, workerMessage: 'always fails' })
    expect(error.message).toMatch(/failed 2 times \(spark\.task\.maxFailures\)/)
    expect(warnings).toHaveLength(2)
  })

  it('is the second number of a local[N,F] master, as in Spark', async () => {
    const { error, warnings } = await attemptsWith(new SparkConf().setMaster('local[2,3]').set('spark.task.maxFailures', 2))

    expect(error).toBeInstanceOf(TaskFailedError)
    expect(error.attempts).toBe(3)
    expect(warnings).toHaveLength(3)
  })

  it('is 1 when spark.task.maxFailures is 1: no retry at all', async () => {
    const { error, warnings } = await attemptsWith(new SparkConf().setMaster('local[2]').set('spark.task.maxFailures', 1))

    expect(error.attempts).toBe(1)
    expect(warnings).toHaveLength(1)
  })
})
