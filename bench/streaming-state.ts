import { ManualClock, type RDD, Seconds, SparkConf, SparkContext, type State, StateSpec, StreamingContext } from '../src/index.js'
import { percentile, report, round } from './measure.js'

const EMPTY_BATCHES = 500
const TOUCHED_KEYS = 10_000
const WARMUP_BATCHES = 2
const MEASURED_BATCHES = 8

/**
 * Issue 3's per-batch costs, under a ManualClock so that only processing is
 * timed: an empty batch with one output operation; mapWithState touching
 * 10 000 keys per batch while the state holds 100 k, 1 M and 5 M keys
 * (its cost must follow the keys touched, not the state); and
 * updateStateByKey at 1 M keys, which rewrites its whole state each batch
 * as Spark's does.
 */
export async function benchStreamingState(): Promise<void> {
  const sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('bench-streaming-state'))
  try {
    await benchEmptyBatches(sc)
    const baseline = await benchMapWithState(sc, 100_000)
    for (const stateKeys of [1_000_000, 5_000_000]) await benchMapWithState(sc, stateKeys, baseline)
    await benchUpdateStateByKey(sc, 1_000_000)
  } finally {
    await sc.stop()
  }
}

/** An empty batch, as a stream with no input makes it (no partitions), and with one empty partition (a task's round trip to a worker). */
async function benchEmptyBatches(sc: SparkContext): Promise<void> {
  for (const partitions of [0, 1]) {
    const clock = new ManualClock()
    const ssc = new StreamingContext(sc, Seconds(1), { clock })
    const empty = partitions === 0 ? sc.emptyRDD<number>() : sc.parallelize<number>([], 1)
    ssc.queueStream<number>([], true, empty).foreachRDD(async (rdd) => {
      await rdd.count()
    })
    const times = await timeBatches(ssc, clock, EMPTY_BATCHES, 20)
    report({ benchmark: 'empty-batch', variant: `sluice-local[2]-${partitions}-partitions`, batches: EMPTY_BATCHES, medianMs: round(percentile(times, 0.5)), p99Ms: round(percentile(times, 0.99)), target: 'median <= 2 ms, p99 <= 5 ms' })
  }
}

async function benchMapWithState(sc: SparkContext, stateKeys: number, baselineMs?: number): Promise<number> {
  const clock = new ManualClock()
  const ssc = new StreamingContext(sc, Seconds(1), { clock })
  ssc.checkpoint('bench/.data/checkpoint')
  const spec = StateSpec.function((key: number, value: number | null, state: State<number>) => {
    const sum = (value ?? 0) + (state.exists() ? state.get() : 0)
    state.update(sum)
    return sum
  }).initialState(initialState(sc, stateKeys))
  const queue = touchedKeyBatches(stateKeys, WARMUP_BATCHES + MEASURED_BATCHES)
  ssc.queueStream(queue).mapWithState(spec).foreachRDD(async (rdd) => {
    await rdd.count()
  })
  const times = await timeBatches(ssc, clock, MEASURED_BATCHES, WARMUP_BATCHES)
  const median = percentile(times, 0.5)
  report({
    benchmark: 'mapWithState',
    variant: 'sluice-local[2]',
    stateKeys,
    touchedKeysPerBatch: TOUCHED_KEYS,
    medianBatchMs: round(median, 1),
    p99BatchMs: round(percentile(times, 0.99), 1),
    ...(baselineMs === undefined ? {} : { ratioTo100kKeys: round(median / baselineMs, 2), target: 'ratio <= 2' }),
  })
  return median
}

async function benchUpdateStateByKey(sc: SparkContext, stateKeys: number): Promise<void> {
  const clock = new ManualClock()
  const ssc = new StreamingContext(sc, Seconds(1), { clock })
  ssc.checkpoint('bench/.data/checkpoint')
  const queue = touchedKeyBatches(stateKeys, WARMUP_BATCHES + MEASURED_BATCHES)
  ssc
    .queueStream(queue)
    .updateStateByKey((values: number[], state: number | null) => values.reduce((a, b) => a + b, state ?? 0), { initialRDD: initialState(sc, stateKeys) })
    .foreachRDD(async (rdd) => {
      await rdd.count()
    })
  const times = await timeBatches(ssc, clock, MEASURED_BATCHES, WARMUP_BATCHES)
  report({ benchmark: 'updateStateByKey', variant: 'sluice-local[2]', stateKeys, touchedKeysPerBatch: TOUCHED_KEYS, medianBatchMs: round(percentile(times, 0.5), 1), p99BatchMs: round(percentile(times, 0.99), 1) })
}

/** Starts `ssc`, runs `warmup` batches untimed, then times `batches` batches one by one; stops it (keeping the SparkContext). */
async function timeBatches(ssc: StreamingContext, clock: ManualClock, batches: number, warmup: number): Promise<number[]> {
  const times: number[] = []
  try {
    await ssc.start()
    for (let i = 0; i < warmup; i++) await clock.advance(Seconds(1))
    for (let i = 0; i < batches; i++) {
      const started = performance.now()
      await clock.advance(Seconds(1))
      times.push(performance.now() - started)
    }
  } finally {
    await ssc.stop(false)
  }
  return times
}

function initialState(sc: SparkContext, keys: number): RDD<[number, number]> {
  return sc.parallelize(Array.from({ length: keys }, (_, key): [number, number] => [key, 0]), 8)
}

/** Each batch touches 10 000 distinct keys of the state, spread over it (a fixed stride, so runs repeat). */
function touchedKeyBatches(stateKeys: number, batches: number): [number, number][][] {
  return Array.from({ length: batches }, (_, batch) => Array.from({ length: TOUCHED_KEYS }, (_, i): [number, number] => [(i * 7919 + batch * 104_729) % stateKeys, 1]))
}
