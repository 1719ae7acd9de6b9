import { describe, expect, it } from 'vitest'

import { AnalysisError, ManualClock, type RDD, type Row, Seconds, SparkSession, StreamingContext } from '../../src/index.js'
import { captureLog } from '../support/log-capture.js'
import { rejectionOf } from '../support/rejection.js'
import { sparkSession, stdoutOf } from './session-fixture.js'

/** Runs `body` as the foreachRDD of a queue stream over `batches`, one batch per clock second. */
async function overBatches(batches: string[][], body: (rdd: RDD<string>) => Promise<void>): Promise<void> {
  const sc = sparkSession().sparkContext
  const clock = new ManualClock()
  const ssc = new StreamingContext(sc, Seconds(1), { clock })
  const queue: string[][] = []
  ssc.queueStream(queue).foreachRDD((rdd) => body(rdd))
  await ssc.start()
  try {
    queue.push(...batches)
    for (let i = 0; i < batches.length; i++) await clock.advance(Seconds(1))
  } finally {
    await ssc.stop(false)
  }
}

/** How many tables of createDataFrame rows the session's DuckDB holds now. */
async function loadedTables(spark: SparkSession): Promise<number> {
  const [row] = await spark.sql("select count(*) as n from duckdb_tables() where table_name like '__sluice_df_%'").collect()
  return row!.n as number
}

describe('the foreachRDD bridge', () => {
  it('runs API.md’s snippet every batch, printing each batch’s counts', async () => {
    const output = await stdoutOf(() =>
      overBatches([['to', 'be', 'or', 'not', 'to', 'be'], ['be']], async (rdd) => {
        const spark = SparkSession.builder().config(rdd.context.getConf()).getOrCreate()
        const df = spark.createDataFrame(rdd.map((w) => ({ word: w })))
        df.createOrReplaceTempView('words')
        await spark.sql('select word, count(*) as total from words group by word order by total desc, word').show()
      }),
    )

    expect(output).toBe(
      [
        '+----+-----+', '|word|total|', '+----+-----+', '|  be|    2|', '|  to|    2|', '| not|    1|', '|  or|    1|', '+----+-----+', '',
        '+----+-----+', '|word|total|', '+----+-----+', '|  be|    1|', '+----+-----+', '', '',
      ].join('\n'),
    )
  })

  it('gets the same session every batch, replaces the view each batch and drops the tables it replaced', async () => {
    const sessions = new Set<SparkSession>()
    const results: Row[][] = []
    const tables: number[] = []
    const batches = [['a', 'b', 'a'], ['c'], ['c', 'c', 'd'], ['e'], ['f', 'f'], ['g']]

    await overBatches(batches, async (rdd) => {
      const spark = SparkSession.builder().config(rdd.context.getConf()).getOrCreate()
      sessions.add(spark)
      spark.createDataFrame(rdd.map((w) => ({ word: w }))).createOrReplaceTempView('words')
      results.push(await spark.sql('select word, count(*) as total from words group by word order by word').collect())
      tables.push(await loadedTables(spark))
    })

    expect(sessions.size).toBe(1)
    expect(results).toEqual([
      [{ word: 'a', total: 2 }, { word: 'b', total: 1 }],
      [{ word: 'c', total: 1 }],
      [{ word: 'c', total: 2 }, { word: 'd', total: 1 }],
      [{ word: 'e', total: 1 }],
      [{ word: 'f', total: 2 }],
      [{ word: 'g', total: 1 }],
    ])
    // The batch's own table, and at most the previous batch's while its drop is queued.
    expect(Math.max(...tables)).toBeLessThanOrEqual(2)
    expect(await loadedTables([...sessions][0]!)).toBeLessThanOrEqual(1)
  })

  it('handles empty batches given a schema, and skips them with isEmpty', async () => {
    const counts: number[] = []
    await overBatches([['x'], [], ['y', 'y']], async (rdd) => {
      const spark = SparkSession.builder().config(rdd.context.getConf()).getOrCreate()
      spark.createDataFrame(rdd.map((w) => ({ word: w })), 'word string').createOrReplaceTempView('words')
      counts.push(await spark.sql('select * from words').count())
    })

    expect(counts).toEqual([1, 0, 2])
  })

  it('fails a batch that infers a schema from no rows, with the AnalysisError', async () => {
    const log = captureLog()
    const error = await rejectionOf(
      overBatches([[]], async (rdd) => {
        const spark = SparkSession.builder().config(rdd.context.getConf()).getOrCreate()
        spark.createDataFrame(rdd.map((w) => ({ word: w }))).createOrReplaceTempView('words')
        await spark.sql('select * from words').collect()
      }),
    ).finally(() => log.restore())

    expect(error).toBeInstanceOf(AnalysisError)
    expect(error.message).toMatch(/^Cannot infer a schema from an empty dataset/)
    expect(log.at('ERROR')[0]).toMatch(/^ERROR JobScheduler: Error running job foreachRDD .* AnalysisError: Cannot infer a schema/)
  })

  it('joins a batch with a table registered before the stream started', async () => {
    const spark = sparkSession()
    spark.createDataFrame([{ word: 'a', meaning: 'first' }, { word: 'b', meaning: 'second' }]).createOrReplaceTempView('dictionary')
    const results: Row[][] = []

    await overBatches([['a', 'b', 'a'], ['b']], async (rdd) => {
      const session = SparkSession.builder().config(rdd.context.getConf()).getOrCreate()
      session.createDataFrame(rdd.map((w) => ({ word: w }))).createOrReplaceTempView('batch')
      results.push(await session.sql('select meaning, count(*) as n from batch join dictionary using (word) group by meaning order by meaning').collect())
    })

    expect(results).toEqual([[{ meaning: 'first', n: 2 }, { meaning: 'second', n: 1 }], [{ meaning: 'second', n: 1 }]])
  })
})
