import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { SparkConf, SparkContext, TaskFailedError, capture } from '../../src/index.js'
import { type LogCapture, captureLog } from '../support/log-capture.js'
import { rejectionOf } from '../support/rejection.js'
import { threadsMeetingAt } from '../support/thread-barrier.js'

let sc: SparkContext
let log: LogCapture
let scratch: string

beforeAll(() => {
  log = captureLog()
  scratch = mkdtempSync(join(tmpdir(), 'sluice-worker-death-'))
  sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('worker-death'))
})

afterAll(async () => {
  await sc.stop()
  log.restore()
  rmSync(scratch, { recursive: true, force: true })
})

afterEach(() => log.clear())

describe('a worker thread that dies while running a task', () => {
  it('is replaced and the task retried, so the job succeeds', async () => {
    const marker = join(scratch, 'exit-once')
    const exitOnce = capture({ marker }, (x: number) => {
      const fs = process.getBuiltinModule('node:fs')
      if (x === 3 && !fs.existsSync(marker)) {
        fs.writeFileSync(marker, '')
        process.exit(1)
      }
      return x * 2
    })

    const result = await sc.parallelize([1, 2, 3, 4], 2).map(exitOnce).collect()

    expect(result).toEqual([2, 4, 6, 8])
    expect(log.at('WARN')).toEqual([
      expect.stringMatching(
        /^WARN TaskSetManager: Lost task 1\.0 in stage \d+ \(TID \d+\) \(partition 1\): WorkerDied: worker thread died while running the task: worker exited with code: 1$/,
      ),
    ])
  })

  it('fails the job with a TaskFailedError saying the worker died once every attempt has died', async () => {
    const error = await rejectionOf<TaskFailedError>(
      sc.parallelize([1, 2], 2).map((x: number) => {
        if (x === 2) process.exit(3)
        return x
      }).collect(),
    )

    expect(error).toBeInstanceOf(TaskFailedError)
    expect(error).toMatchObject({ partition: 1, attempts: 4, workerMessage: 'worker thread died while running the task: worker exited with code: 3' })
    expect(error.message).toMatch(new RegExp(`task for partition 1 of stage ${error.stageId} \\(MapPartitionsRDD\\[\\d+\\] at map at worker-death\\.test\\.ts:\\d+\\) failed 4 times`))
    expect(error.message).toContain('worker exited with code: 3')
    expect(error.cause).toBeInstanceOf(Error)
    expect((error.cause as Error).message).toBe('worker exited with code: 3')
    expect(log.at('WARN')).toHaveLength(4)
  })

  it('leaves the pool at full size: a later job runs on both threads at once', async () => {
    const marker = join(scratch, 'exit-once-then-count')
    await sc.parallelize([1], 1).foreach(capture({ marker }, () => {
      const fs = process.getBuiltinModule('node:fs')
      if (!fs.existsSync(marker)) {
        fs.writeFileSync(marker, '')
        process.exit(1)
      }
    }))

    const meeting = mkdtempSync(join(scratch, 'meeting-'))
    const seen = await sc.parallelize([1, 2], 2).map(threadsMeetingAt(meeting, 2)).collect()

    expect(seen).toEqual([2, 2])
  })
})
