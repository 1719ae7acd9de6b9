import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'

import { logger } from '../src/common/logger.js'
import { IllegalStateError, LOG_LEVELS, SparkConf, SparkContext } from '../src/index.js'
import { captureLog } from './support/log-capture.js'
import { rejectionOf, thrownBy } from './support/rejection.js'
import { threadsMeetingAt } from './support/thread-barrier.js'

const ROOT = fileURLToPath(new URL('../', import.meta.url))

/** Runs `body` with a new context made from `conf`, and stops the context however `body` ends. */
async function withContext<T>(conf: SparkConf, body: (sc: SparkContext) => Promise<T> | T): Promise<T> {
  const sc = new SparkContext(conf)
  try {
    return await body(sc)
  } finally {
    await sc.stop()
  }
}

afterEach(async () => {
  // A test that failed half-way must not leave its context active for the next one.
  await SparkContext.getActive()?.stop()
  logger.setLevel('WARN')
})

describe('masters', () => {
  it('runs one worker thread for "local"', async () => {
    await withContext(new SparkConf().setMaster('local'), async (sc) => {
      expect(sc.master).toBe('local')
      expect(sc.defaultParallelism).toBe(1)
      expect(sc.parallelize([1, 2, 3]).getNumPartitions()).toBe(1)
      await expect(sc.parallelize([1, 2, 3]).sum()).resolves.toBe(6)
    })
  })

  it('runs N worker threads at once for "local[N]", and that is the default parallelism', async () => {
    const meeting = mkdtempSync(join(tmpdir(), 'sluice-local-3-'))
    try {
      await withContext(new SparkConf().setMaster('local[3]'), async (sc) => {
        expect(sc.defaultParallelism).toBe(3)
        const seen = await sc.parallelize([1, 2, 3]).map(threadsMeetingAt(meeting, 3)).collect()
        expect(seen).toEqual([3, 3, 3])
      })
    } finally {
      rmSync(meeting, { recursive: true, force: true })
    }
  })

  it('runs one worker thread per core for "local[*]", the default master', async () => {
    await withContext(new SparkConf().setMaster('local[*]'), (sc) => {
      expect(sc.defaultParallelism).toBe(availableParallelism())
    })
    await withContext(new SparkConf(), (sc) => {
      expect(sc.master).toBe('local[*]')
      expect(sc.appName).toBe('sluice')
      expect(sc.defaultParallelism).toBe(availableParallelism())
    })
  })

  it('takes the default parallelism from spark.default.parallelism when it is set', async () => {
    await withContext(new SparkConf().setMaster('local[2]').set('spark.default.parallelism', 5), (sc) => {
      expect(sc.defaultParallelism).toBe(5)
      expect(sc.parallelize([1, 2, 3]).getNumPartitions()).toBe(5)
    })
  })

  it.each(['yarn', 'spark://host:7077', 'local[0]', 'local[two]', 'local[-1]', 'local[2', 'Local[2]', ''])(
    'refuses the master %j with a RangeError that lists the masters it accepts, and leaves no context behind',
    (master) => {
      const error = thrownBy<RangeError>(() => new SparkContext(new SparkConf().setMaster(master)))

      expect(error).toBeInstanceOf(RangeError)
      expect(error.message).toBe(`Could not parse master URL ${JSON.stringify(master)}; use "local", "local[N]" with N >= 1, or "local[*]"`)
      expect(SparkContext.getActive()).toBeNull()
    },
  )
})

describe('configuration checked when a context is created', () => {
  it.each([
    ['spark.task.maxFailures', '0', 'spark.task.maxFailures must be a positive integer, got "0"'],
    ['spark.task.maxFailures', '-2', 'spark.task.maxFailures must be a positive integer, got "-2"'],
    ['spark.task.maxFailures', 'many', 'Configuration spark.task.maxFailures must be an integer, got "many"'],
    ['spark.default.parallelism', '0', 'spark.default.parallelism must be a positive integer, got "0"'],
    ['spark.executor.memory', 'lots', 'spark.executor.memory must look like 512m or 2g, got "lots"'],
  ])('refuses %s = %j with a RangeError and leaves no context behind', (key, value, message) => {
    const error = thrownBy<RangeError>(() => new SparkContext(new SparkConf().setMaster('local[2]').set(key, value)))

    expect(error).toBeInstanceOf(RangeError)
    expect(error.message).toBe(message)
    expect(SparkContext.getActive()).toBeNull()
  })

  it('refuses a local[N,0] master, which would allow no attempt at any task', () => {
    const error = thrownBy<RangeError>(() => new SparkContext(new SparkConf().setMaster('local[2,0]')))

    expect(error).toBeInstanceOf(RangeError)
    expect(error.message).toBe('The maximum number of task failures in master URL "local[2,0]" must be at least 1, got 0')
  })

  it('keeps its own copy of the configuration', async () => {
    const conf = new SparkConf().setMaster('local[2]').setAppName('copied').set('custom.key', 'before')

    await withContext(conf, (sc) => {
      conf.set('custom.key', 'after').setAppName('renamed')
      const copy = sc.getConf()
      copy.set('custom.key', 'changed by caller')

      expect(sc.appName).toBe('copied')
      expect(sc.getConf().get('custom.key')).toBe('before')
      expect(sc.getConf().get('spark.app.name')).toBe('copied')
    })
  })
})

describe('one active context per process', () => {
  it('refuses a second context while one is active, with an IllegalStateError that says what to do', async () => {
    await withContext(new SparkConf().setMaster('local[2]'), (sc) => {
      const error = thrownBy<IllegalStateError>(() => new SparkContext(new SparkConf().setMaster('local[1]')))

      expect(error).toBeInstanceOf(IllegalStateError)
      expect(error.message).toBe(
        'Only one SparkContext may be running in this process; use SparkContext.getOrCreate() or stop() the active one first',
      )
      expect(SparkContext.getActive()).toBe(sc)
    })
  })

  it('makes getOrCreate return the active context, ignoring the conf it is given', async () => {
    await withContext(new SparkConf().setMaster('local[2]').setAppName('first'), (sc) => {
      const again = SparkContext.getOrCreate(new SparkConf().setMaster('local[1]').setAppName('second'))

      expect(again).toBe(sc)
      expect(again.appName).toBe('first')
    })
  })

  it('makes getOrCreate create a context from its conf when none is active', async () => {
    const sc = SparkContext.getOrCreate(new SparkConf().setMaster('local[1]').setAppName('created'))
    try {
      expect(sc.appName).toBe('created')
      expect(SparkContext.getActive()).toBe(sc)
    } finally {
      await sc.stop()
    }
  })
})

describe('stop', () => {
  it('makes every later method throw an IllegalStateError, and jobs of existing RDDs reject with it', async () => {
    const sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('stopping'))
    const made = sc.parallelize([1, 2, 3], 2)
    await sc.stop()

    const message = 'Cannot call methods on a stopped SparkContext (stopping); create a new one with SparkContext.getOrCreate(conf)'
    for (const call of [
      () => sc.parallelize([1]),
      () => sc.textFile('anything.txt'),
      () => sc.emptyRDD(),
      () => sc.union(made),
      () => sc.broadcast(1),
      () => sc.longAccumulator(),
    ]) {
      const error = thrownBy<IllegalStateError>(call)
      expect(error).toBeInstanceOf(IllegalStateError)
      expect(error.message).toBe(message)
    }
    const jobError = await rejectionOf<IllegalStateError>(made.collect())
    expect(jobError).toBeInstanceOf(IllegalStateError)
    expect(jobError.message).toBe(message)
    expect(sc.isStopped).toBe(true)
    expect(SparkContext.getActive()).toBeNull()
  })

  it('is idempotent', async () => {
    const sc = new SparkContext(new SparkConf().setMaster('local[1]'))

    await sc.stop()
    await expect(sc.stop()).resolves.toBeUndefined()
    await expect(Promise.all([sc.stop(), sc.stop()])).resolves.toEqual([undefined, undefined])
  })

  it('lets a new context be created and run jobs afterwards', async () => {
    const first = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('first'))
    await first.parallelize([1, 2]).count()
    await first.stop()

    await withContext(new SparkConf().setMaster('local[2]').setAppName('second'), async (second) => {
      expect(second).not.toBe(first)
      expect(SparkContext.getOrCreate()).toBe(second)
      await expect(second.parallelize([1, 2, 3, 4], 2).map((x: number) => x * 2).collect()).resolves.toEqual([2, 4, 6, 8])
    })
  })

  it('cancels a running job, which rejects with an IllegalStateError saying the context was shut down', async () => {
    const log = captureLog()
    try {
      const sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('stopped-mid-job'))
      const job = sc
        .parallelize([1, 2, 3, 4], 4)
        .map((x: number) => {
          const end = Date.now() + 300
          while (Date.now() < end);
          return x
        })
        .collect()
      const failure = rejectionOf<IllegalStateError>(job)
      await new Promise((resolve) => setTimeout(resolve, 100))
      await sc.stop()

      const error = await failure

      expect(error).toBeInstanceOf(IllegalStateError)
      expect(error.message).toMatch(/^Job \d+ cancelled because SparkContext was shut down$/)
      expect(log.at('WARN')).toEqual([])
    } finally {
      log.restore()
    }
  })
})

describe('setLogLevel', () => {
  it("accepts Spark's levels, in any case", async () => {
    await withContext(new SparkConf().setMaster('local[1]'), (sc) => {
      for (const level of LOG_LEVELS) {
        sc.setLogLevel(level)
        expect(logger.level).toBe(level)
      }
      sc.setLogLevel('info')
      expect(logger.level).toBe('INFO')
    })
  })

  it('refuses an unknown level with a RangeError that lists the levels', async () => {
    await withContext(new SparkConf().setMaster('local[1]'), (sc) => {
      const error = thrownBy<RangeError>(() => sc.setLogLevel('VERBOSE'))

      expect(error).toBeInstanceOf(RangeError)
      expect(error.message).toBe('Unknown log level "VERBOSE"; use one of ALL, TRACE, DEBUG, INFO, WARN, ERROR, FATAL, OFF')
      expect(logger.level).toBe('WARN')
    })
  })

  it('logs finished jobs at INFO, and nothing of them at the default WARN', async () => {
    const log = captureLog()
    try {
      await withContext(new SparkConf().setMaster('local[1]'), async (sc) => {
        await sc.parallelize([1]).count()
        expect(log.lines).toEqual([])

        sc.setLogLevel('INFO')
        await sc.parallelize([1]).count()
        expect(log.at('INFO')).toEqual([expect.stringMatching(/^INFO DAGScheduler: Job \d+ finished: count on ParallelCollectionRDD\[\d+\] at parallelize at spark-context\.test\.ts:\d+, took \d+\.\d{3} s$/)])
      })
    } finally {
      log.restore()
    }
  })

  it('silences even task failures at OFF', async () => {
    const log = captureLog()
    try {
      await withContext(new SparkConf().setMaster('local[1]').set('spark.task.maxFailures', 1), async (sc) => {
        sc.setLogLevel('OFF')
        await rejectionOf(sc.parallelize([1]).map(() => {
          throw new Error('quietly')
        }).collect())
        expect(log.lines).toEqual([])
      })
    } finally {
      log.restore()
    }
  })
})

describe('output', () => {
  it('writes nothing to stdout, stderr or the console during a normal job at the default level', async () => {
    const stdout = vi.spyOn(process.stdout, 'write')
    const stderr = vi.spyOn(process.stderr, 'write')
    const console = vi.spyOn(globalThis.console, 'log')
    try {
      await withContext(new SparkConf().setMaster('local[2]').setAppName('quiet'), async (sc) => {
        const counts = await sc
          .parallelize(['a b', 'b c', 'c'], 2)
          .flatMap((line: string) => line.split(' '))
          .map((word: string) => [word, 1] as [string, number])
          .reduceByKey((a: number, b: number) => a + b)
          .collectAsMap()
        expect(counts.get('c')).toBe(2)
      })

      expect(stdout).not.toHaveBeenCalled()
      expect(stderr).not.toHaveBeenCalled()
      expect(console).not.toHaveBeenCalled()
    } finally {
      stdout.mockRestore()
      stderr.mockRestore()
      console.mockRestore()
    }
  })
})

describe('a context that is never stopped', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'sluice-pool-left-running-'))

  afterEach(() => rmSync(join(scratch, 'died'), { force: true }))
  afterAll(() => rmSync(scratch, { recursive: true, force: true }))

  it.each([
    ['after a normal job', ['plain']],
    ['after a worker died and was replaced', ['worker-died', join(scratch, 'died')]],
  ])('does not keep the process alive %s', async (_, args) => {
    const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'test/fixtures/pool-left-running.ts'), ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))

    const exitCode = await new Promise<number | string | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        resolve('still running after 10 s')
      }, 10_000)
      child.on('exit', (code) => {
        clearTimeout(timer)
        resolve(code)
      })
    })

    expect(exitCode).toBe(0)
    expect(output).toMatch(/^total 20$/m)
  })
})
