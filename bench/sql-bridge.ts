import { readFileSync } from 'node:fs'

import { BIGINT, DuckDBDataChunk, DuckDBInstance, VARCHAR } from '@duckdb/node-api'

import { LongType, SparkConf, SparkContext, SparkSession, StringType, StructType } from '../src/index.js'
import { DuckDBEngine } from '../src/sql/bridge/duckdb-engine.js'
import { encodePartition } from '../src/sql/bridge/encode-partition.js'
import { medianSeconds, percentile, report, round } from './measure.js'

const ROWS = 1_000_000
const PARTITIONS = 8
const REPEATS = 3
const BATCH_SIZES = [1_000, 10_000]
const BATCHES = 40
const QUERY = 'select word, count(*) as total, sum(n) from t group by word order by total desc limit 20'
const SEED = 20_240_611

interface WordRow {
  readonly word: string
  readonly n: number
}

/**
 * Issue 5's benchmark: the foreachRDD bridge. From an RDD of 1 M `{word, n}`
 * rows in 8 partitions, createDataFrame → temp view → group-by query →
 * collect, timed beside (a) DuckDB loading the same rows through its
 * appender and running the same query — both with @duckdb/node-api's data
 * chunks and with raw vector writes, the faster of the two being the
 * reference — and (b) a hand-written Map group-by; then the time the
 * bridge takes per streaming batch of 1 k and 10 k rows.
 */
export async function benchSqlBridge(): Promise<void> {
  const rows = wordRows(ROWS)
  const expected = groupByWithMap(rows)

  const mapSeconds = await medianSeconds(REPEATS, () => groupByWithMap(rows))
  report({ benchmark: 'sql-bridge', variant: 'baseline-js-map-group-by', rows: ROWS, seconds: round(mapSeconds) })

  const duckdbSeconds = Math.min(await benchDuckDBDirect(rows, expected), await benchRawVectors(rows, expected))

  const sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('bench-sql-bridge').set('spark.ui.showConsoleProgress', false))
  try {
    const spark = SparkSession.builder().getOrCreate()
    const rdd = sc.parallelize(rows, PARTITIONS)
    const bridge = async () => {
      spark.createDataFrame(rdd).createOrReplaceTempView('t')
      return spark.sql(QUERY).collect()
    }
    const seconds = await medianSeconds(REPEATS, bridge)
    const correct = sameTop(await bridge(), expected)
    report({
      benchmark: 'sql-bridge', variant: 'sluice-local[2]', rows: ROWS, partitions: PARTITIONS, seconds: round(seconds),
      ratioToDuckDB: round(seconds / duckdbSeconds, 2), targetRatioToDuckDB: 1.5, ratioToJsMap: round(seconds / mapSeconds, 2), correct,
    })
    for (const size of BATCH_SIZES) await benchPerBatch(sc, spark, size)
  } finally {
    await sc.stop()
  }
}

/** (a): the same rows appended to DuckDB as data chunks of 2048 rows, then the same query. */
async function benchDuckDBDirect(rows: readonly WordRow[], expected: Map<string, [number, number]>): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  try {
    const run = async () => {
      await connection.run('CREATE OR REPLACE TABLE t (word VARCHAR, n BIGINT)')
      const appender = await connection.createAppender('t')
      for (let start = 0; start < rows.length; start += 2048) {
        const slice = rows.slice(start, start + 2048)
        const chunk = DuckDBDataChunk.create([VARCHAR, BIGINT], slice.length)
        chunk.setColumns([slice.map((row) => row.word), slice.map((row) => BigInt(row.n))])
        appender.appendDataChunk(chunk)
      }
      appender.closeSync()
      const reader = await connection.runAndReadAll(QUERY)
      return reader.getRowObjectsJS().map((row) => ({ word: row.word, total: Number(row.total), 'sum(n)': Number(row['sum(n)']) }))
    }
    const seconds = await medianSeconds(REPEATS, run)
    report({ benchmark: 'sql-bridge', variant: 'baseline-duckdb-appender-datachunks', rows: ROWS, seconds: round(seconds), correct: sameTop(await run(), expected) })
    return seconds
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

/**
 * (a'): the same rows written straight into DuckDB's vectors on the main thread, as sluice's own loader writes
 * them (short strings inlined, numbers copied in bulk), then the same query: DuckDB's fastest path from JS objects.
 */
async function benchRawVectors(rows: readonly WordRow[], expected: Map<string, [number, number]>): Promise<number> {
  const engine = await DuckDBEngine.open()
  const schema = new StructType().add('word', StringType).add('n', LongType)
  try {
    const run = async () => {
      await engine.createTable('t', schema, [encodePartition(rows, null)])
      const result = await engine.query(QUERY)
      return result.rows.map(([word, total, sum]) => ({ word, total, 'sum(n)': sum }))
    }
    const seconds = await medianSeconds(REPEATS, run)
    report({ benchmark: 'sql-bridge', variant: 'baseline-duckdb-raw-vectors', rows: ROWS, seconds: round(seconds), correct: sameTop(await run(), expected) })
    return seconds
  } finally {
    await engine.close()
  }
}

/** A streaming batch through the bridge: its rows into a temp view, the query, its rows back; beside a plain collect of the same RDD. */
async function benchPerBatch(sc: SparkContext, spark: SparkSession, size: number): Promise<void> {
  const rdd = sc.parallelize(wordRows(size), 2)
  const bridge = async () => {
    spark.createDataFrame(rdd).createOrReplaceTempView('t')
    await spark.sql(QUERY).collect()
  }
  const bridgeMs = await sampleMs(bridge)
  const collectMs = await sampleMs(() => rdd.collect())
  report({
    benchmark: 'sql-bridge-per-batch', variant: 'sluice-local[2]', rows: size, batches: BATCHES,
    medianMs: round(percentile(bridgeMs, 0.5)), p90Ms: round(percentile(bridgeMs, 0.9)),
    rddCollectMedianMs: round(percentile(collectMs, 0.5)), targetMedianMs: size === 10_000 ? 10 : undefined,
  })
}

async function sampleMs(run: () => Promise<unknown>): Promise<number[]> {
  await run()
  const times: number[] = []
  for (let i = 0; i < BATCHES; i++) {
    const started = performance.now()
    await run()
    times.push(performance.now() - started)
  }
  return times
}

/** `count` rows whose words are drawn, with their real frequencies, from the Alice text; n from 0 to 9. */
function wordRows(count: number): WordRow[] {
  const text = readFileSync(new URL('../examples/data/alice-in-wonderland.txt', import.meta.url), 'utf8')
  const words = text.split(/\s+/).filter((word) => word !== '')
  let state = SEED
  const random = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return Array.from({ length: count }, () => ({ word: words[Math.floor(random() * words.length)]!, n: Math.floor(random() * 10) }))
}

/** (b): what a developer would write by hand: a Map from word to [count, sum], then the top 20 by count. */
function groupByWithMap(rows: readonly WordRow[]): Map<string, [number, number]> {
  const groups = new Map<string, [number, number]>()
  for (const row of rows) {
    const group = groups.get(row.word)
    if (group === undefined) groups.set(row.word, [1, row.n])
    else {
      group[0]++
      group[1] += row.n
    }
  }
  // The query's order and limit; the whole map is returned so that results with ties can be checked against it.
  const top = [...groups].sort((a, b) => b[1][0] - a[1][0]).slice(0, 20)
  if (top.length === 0) throw new Error('no rows')
  return groups
}

function sameTop(actual: readonly Record<string, unknown>[], expected: Map<string, [number, number]>): boolean {
  return actual.length === 20 && actual.every((row) => {
    const group = expected.get(row.word as string)
    return group !== undefined && group[0] === Number(row.total) && group[1] === Number(row['sum(n)'])
  })
}
