import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll } from 'vitest'

import { type DStream, type DurationLike, ManualClock, type RDD, Seconds, SparkConf, SparkContext, StreamingContext, type Time } from '../../src/index.js'

/** What runBatches runs: the input batches, the operation under test, and how to run them. */
export interface RunBatchesOptions<T, U, W = never> {
  /** One array per batch; batches past its end are empty. */
  readonly input: readonly (readonly T[])[]
  /** A second input stream, for stream–stream operations (Spark's two-input testOperation). */
  readonly otherInput?: readonly (readonly W[])[]
  readonly operation: (stream: DStream<T>, other: DStream<W>) => DStream<U>
  /** How many batch durations to run; default: as many as there are input batches (of either input). */
  readonly batches?: number
  readonly batchDuration?: DurationLike
  /** Gives the context a fresh checkpoint directory (removed afterwards), as stateful streams require. */
  readonly checkpoint?: true
  /** Sort each output batch (Spark's `useSet`), for operations whose output order depends on partitioning. */
  readonly sort?: true
  /** Partitions of each input batch; by default the queue gets plain arrays, cut into `defaultParallelism` (2) slices. */
  readonly numSlices?: number
  /** Called before start(), e.g. to add listeners or call `remember`. */
  readonly setup?: (ssc: StreamingContext) => void
  /** Called after the last batch, before the context stops, e.g. to `slice` the streams. */
  readonly inspect?: (ssc: StreamingContext, output: DStream<U>) => Promise<void> | void
}

/** One output batch: its time and its records. */
export interface OutputBatch<U> {
  readonly time: Time
  readonly records: U[]
}

let shared: SparkContext | null = null

/** The file's SparkContext (`local[2]`, so a queued array becomes 2 partitions, as Spark's `numInputPartitions`). */
export function sharedSparkContext(): SparkContext {
  if (shared === null || shared.isStopped) {
    shared = SparkContext.getActive() ?? new SparkContext(new SparkConf().setMaster('local[2]').setAppName('run-batches'))
  }
  return shared
}

afterAll(async () => {
  await shared?.stop()
  shared = null
})

/**
 * Spark's `TestSuiteBase.testOperation` for sluice: batches in, batches out.
 *
 * Each call makes a fresh StreamingContext on a ManualClock (starting at 0,
 * so with the default batch duration of 1 s the first batch is at 1000 ms)
 * over the file's shared SparkContext, feeds `input[i]` as the i-th batch
 * of a `queueStream`, collects the output stream's batches with
 * `foreachRDD`, and moves the clock one batch at a time. No sleeps: each
 * `clock.advance` resolves when that batch's output operations are done.
 * Returns the records of each output batch, in batch order.
 *
 * @example
 * const output = await runBatches({
 *   input: [[1, 2], [3]],
 *   operation: (numbers) => numbers.map((n) => n * 10),
 * })
 * expect(output).toEqual([[10, 20], [30]])
 */
export async function runBatches<T, U, W = never>(options: RunBatchesOptions<T, U, W>): Promise<U[][]> {
  return (await runBatchesWithTimes(options)).map((batch) => batch.records)
}

/** Like runBatches, with each output batch's time (for windows, whose output comes only every slide). */
export async function runBatchesWithTimes<T, U, W = never>(options: RunBatchesOptions<T, U, W>): Promise<OutputBatch<U>[]> {
  const sc = sharedSparkContext()
  const batchDuration = options.batchDuration ?? Seconds(1)
  const clock = new ManualClock()
  const ssc = new StreamingContext(sc, batchDuration, { clock })
  const directory = options.checkpoint === true ? mkdtempSync(join(tmpdir(), 'sluice-run-batches-')) : null
  const outputs: OutputBatch<U>[] = []
  try {
    if (directory !== null) ssc.checkpoint(directory)
    const stream = ssc.queueStream(toQueue(sc, options.input, options.numSlices))
    const other = ssc.queueStream(toQueue(sc, options.otherInput ?? [], options.numSlices))
    const output = options.operation(stream, other)
    output.foreachRDD(async (rdd, time) => {
      const records = await rdd.collect()
      outputs.push({ time, records: options.sort === true ? records.sort(compareValues) : records })
    })
    options.setup?.(ssc)
    await ssc.start()
    const batches = options.batches ?? Math.max(options.input.length, options.otherInput?.length ?? 0)
    for (let i = 0; i < batches; i++) await clock.advance(batchDuration)
    await options.inspect?.(ssc, output)
  } finally {
    await ssc.stop(false)
    if (directory !== null) rmSync(directory, { recursive: true, force: true })
  }
  return outputs
}

function toQueue<T>(sc: SparkContext, input: readonly (readonly T[])[], numSlices: number | undefined): (RDD<T> | T[])[] {
  return input.map((batch) => (numSlices === undefined ? [...batch] : sc.parallelize([...batch], numSlices)))
}

/**
 * A total order on records, for comparing batches whose order is undefined:
 * null < booleans < numbers < strings < arrays (element by element) < objects.
 */
export function compareValues(a: unknown, b: unknown): number {
  const rank = (value: unknown): number => {
    if (value === null || value === undefined) return 0
    if (typeof value === 'boolean') return 1
    if (typeof value === 'number' || typeof value === 'bigint') return 2
    if (typeof value === 'string') return 3
    if (Array.isArray(value)) return 4
    return 5
  }
  const byRank = rank(a) - rank(b)
  if (byRank !== 0) return byRank
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const byElement = compareValues(a[i], b[i])
      if (byElement !== 0) return byElement
    }
    return a.length - b.length
  }
  if (rank(a) === 5) return compareValues(JSON.stringify(a), JSON.stringify(b))
  return a === b ? 0 : (a as number | string) < (b as number | string) ? -1 : 1
}
