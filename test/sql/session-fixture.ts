import { afterAll } from 'vitest'

import { SparkConf, SparkContext, SparkSession } from '../../src/index.js'

/**
 * The test file's SparkSession over a `local[2]` SparkContext, created on
 * first use and stopped (with its DuckDB) after the file's tests.
 */
export function sparkSession(): SparkSession {
  const sc = SparkContext.getActive() ?? new SparkContext(new SparkConf().setMaster('local[2]').setAppName('sql-test').set('spark.ui.showConsoleProgress', false))
  return SparkSession.builder().config(sc.getConf()).getOrCreate()
}

afterAll(async () => {
  await SparkSession.getActiveSession()?.sessionState.stop()
  await SparkContext.getActive()?.stop()
})

/** What `run` wrote to stdout (show, printSchema and explain print there). */
export async function stdoutOf(run: () => Promise<unknown>): Promise<string> {
  const chunks: string[] = []
  const write = process.stdout.write
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
    return true
  }) as typeof process.stdout.write
  try {
    await run()
  } finally {
    process.stdout.write = write
  }
  return chunks.join('')
}
