import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { describe, expect, it } from 'vitest'

import { IllegalStateError, SparkConf, SparkContext, SparkSession } from '../../src/index.js'
import { rejectionOf, thrownBy } from '../support/rejection.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

describe('SparkSession', () => {
  it('is one per SparkContext: getOrCreate returns it every time and applies the builder’s settings to its conf', async () => {
    const sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('session-test').set('spark.custom', 'from-context'))
    try {
      const first = SparkSession.builder().getOrCreate()
      const again = SparkSession.builder().config(sc.getConf()).config('spark.sql.shuffle.partitions', 3).appName('ignored').getOrCreate()

      expect(again).toBe(first)
      expect(first.sparkContext).toBe(sc)
      expect(first.conf.get('spark.custom')).toBe('from-context')
      expect(first.conf.get('spark.sql.shuffle.partitions')).toBe('3')
      expect(sc.appName).toBe('session-test')
      expect(SparkSession.getActiveSession()).toBe(first)
      expect(await first.sql('select 1 as one').collect()).toEqual([{ one: 1 }])
    } finally {
      await sc.stop()
    }
  })

  it('creates a SparkContext from the builder’s master and app name when none runs', async () => {
    const spark = SparkSession.builder().master('local[1]').appName('from-builder').getOrCreate()
    try {
      expect(spark.sparkContext.master).toBe('local[1]')
      expect(spark.sparkContext.appName).toBe('from-builder')
      expect(await spark.range(3).collect()).toEqual([{ id: 0 }, { id: 1 }, { id: 2 }])
    } finally {
      await spark.stop()
    }
  })

  it('stop() closes DuckDB and stops the SparkContext, as in Spark; the session then refuses work and a new one starts', async () => {
    const spark = SparkSession.builder().master('local[1]').getOrCreate()
    const df = spark.createDataFrame([{ a: 1 }])
    await df.collect()

    await spark.stop()
    await spark.stop()

    expect(spark.sparkContext.isStopped).toBe(true)
    expect(SparkSession.getActiveSession()).toBeNull()
    expect(thrownBy(() => spark.sql('select 1'))).toBeInstanceOf(IllegalStateError)
    expect(await rejectionOf(df.collect())).toBeInstanceOf(IllegalStateError)
    const next = SparkSession.builder().master('local[1]').getOrCreate()
    try {
      expect(next).not.toBe(spark)
      expect(await next.range(1).count()).toBe(1)
    } finally {
      await next.stop()
    }
  })

  it.each([
    ['when its SparkContext is stopped', []],
    ['when nothing is stopped', ['nothing']],
  ])('does not keep the process alive %s', async (_, args) => {
    const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'test/sql/fixtures/session-left-open.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))

    const exitCode = await new Promise<number | string | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        resolve('still running after 15 s')
      }, 15_000)
      child.on('exit', (code) => {
        clearTimeout(timer)
        resolve(code)
      })
    })

    expect(exitCode).toBe(0)
    expect(output).toMatch(/^total 3$/m)
  })
})
