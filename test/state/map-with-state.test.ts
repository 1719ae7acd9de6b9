import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ManualClock, Seconds, SparkConf, SparkContext, type State, StateSpec, StreamingContext, type Time, capture } from '../../src/index.js'
import { captureLog } from '../support/log-capture.js'

type Pair = [string, number]

let sc: SparkContext
let scratch: string

beforeAll(() => {
  sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('map-with-state'))
  scratch = mkdtempSync(join(tmpdir(), 'sluice-map-with-state-'))
})

afterAll(async () => {
  await sc.stop()
  rmSync(scratch, { recursive: true, force: true })
})

const runningSum = (key: string, value: number | null, state: State<number>) => {
  if (state.isTimingOut()) return [key, 'timed out', state.get()]
  if (value === -1) {
    state.remove()
    return [key, 'removed']
  }
  const sum = (value ?? 0) + (state.exists() ? state.get() : 0)
  state.update(sum)
  return [key, sum]
}

/** Runs `batches` through mapWithState under a ManualClock; each batch's mapped records and state snapshot, sorted. */
async function run(spec: StateSpec<string, number, number, unknown>, batches: Pair[][], extraBatches = 0): Promise<{ mapped: unknown[][]; state: unknown[][] }> {
  const clock = new ManualClock()
  const ssc = new StreamingContext(sc, Seconds(1), { clock })
  ssc.checkpoint(join(scratch, 'checkpoint'))
  const queue = batches.map((batch) => [...batch])
  const mapped: unknown[][] = []
  const state: unknown[][] = []
  const stream = ssc.queueStream(queue).mapWithState(spec)
  stream.foreachRDD(async (rdd) => {
    mapped.push(sortRecords(await rdd.collect()))
  })
  stream.stateSnapshots().foreachRDD(async (rdd) => {
    state.push(sortRecords(await rdd.collect()))
  })
  try {
    await ssc.start()
    for (let i = 0; i < batches.length + extraBatches; i++) await clock.advance(Seconds(1))
  } finally {
    await ssc.stop(false)
  }
  return { mapped, state }
}

function sortRecords(records: unknown[]): unknown[] {
  return records.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))
}

describe('mapWithState', () => {
  it('calls the function once per record and keeps the state per key across batches', async () => {
    const { mapped, state } = await run(StateSpec.function(runningSum), [[['a', 1], ['b', 2], ['a', 3]], [['a', 1]], []])

    expect(mapped).toEqual([[['a', 1], ['a', 4], ['b', 2]], [['a', 5]], []])
    expect(state).toEqual([[['a', 4], ['b', 2]], [['a', 5], ['b', 2]], [['a', 5], ['b', 2]]])
  })

  it('removes a key whose function calls state.remove()', async () => {
    const { mapped, state } = await run(StateSpec.function(runningSum), [[['a', 1], ['b', 2]], [['b', -1]], [['b', 3]]])

    expect(mapped[1]).toEqual([['b', 'removed']])
    expect(state).toEqual([[['a', 1], ['b', 2]], [['a', 1]], [['a', 1], ['b', 3]]])
  })

  it('starts from the initial state, partitioned like the state', async () => {
    const spec = StateSpec.function(runningSum).initialState(sc.parallelize<[string, number]>([['a', 100], ['c', 7]], 3)).numPartitions(4)

    const { mapped, state } = await run(spec, [[['a', 1]], [['c', 1]]])

    expect(mapped).toEqual([[['a', 101]], [['c', 8]]])
    expect(state[1]).toEqual([['a', 101], ['c', 8]])
  })

  it('calls a key that received nothing for the timeout once with a null value, then removes it', async () => {
    const spec = StateSpec.function(runningSum).timeout(Seconds(2))

    const { mapped, state } = await run(spec, [[['a', 1], ['b', 1]], [['b', 1]], [['b', 1]]], 2)

    // a was last updated at 1000 ms: idle for 2 s at 3000 ms, so it times out in the batch at 4000 ms (Spark: lastUpdated < time - timeout).
    expect(mapped[2]).toEqual([['b', 3]])
    expect(mapped[3]).toEqual([['a', 'timed out', 1]])
    expect(state[3]).toEqual([['b', 3]])
    expect(mapped[4]).toEqual([])
  })

  it('gives a four-parameter function the batch time', async () => {
    const spec = StateSpec.function((time: Time, key: string, value: number | null, state: State<number>) => {
      state.update(value ?? 0)
      return [key, time.milliseconds]
    })

    const { mapped } = await run(spec, [[['a', 1]], [['a', 2]]])

    expect(mapped).toEqual([[['a', 1000]], [['a', 2000]]])
  })

  it('does not emit null or undefined returned by the function', async () => {
    const spec = StateSpec.function((key: string, value: number | null, state: State<number>) => {
      state.update(value ?? 0)
      return value === 2 ? null : key
    })

    const { mapped } = await run(spec, [[['a', 1], ['b', 2]]])

    expect(mapped).toEqual([['a']])
  })

  it('keeps the state of a task whose function failed once as it was, so the retry counts every record once', async () => {
    const marker = join(scratch, 'failed-once')
    const spec = StateSpec.function(
      capture({ marker }, (key: string, value: number | null, state: State<number>) => {
        const fs = process.getBuiltinModule('node:fs')
        const sum = (value ?? 0) + (state.exists() ? state.get() : 0)
        state.update(sum)
        if (value === 10 && !fs.existsSync(marker)) {
          fs.writeFileSync(marker, '')
          throw new Error('fails after updating, on the first attempt only')
        }
        return [key, sum]
      }),
    )

    const { state } = await run(spec, [[['a', 1]], [['a', 10], ['a', 100]], [['a', 1000]]])

    expect(state).toEqual([[['a', 1]], [['a', 111]], [['a', 1111]]])
  })

  it('rebuilds the state of a worker that died from the changes the driver kept', async () => {
    const marker = join(scratch, 'died-once')
    const spec = StateSpec.function(
      capture({ marker }, (key: string, value: number | null, state: State<number>) => {
        const fs = process.getBuiltinModule('node:fs')
        if (value === 0 && !fs.existsSync(marker)) {
          fs.writeFileSync(marker, '')
          process.exit(1)
        }
        const sum = (value ?? 0) + (state.exists() ? state.get() : 0)
        state.update(sum)
        return [key, sum]
      }),
    ).numPartitions(2)
    const keys = Array.from({ length: 20 }, (_, i) => `k${i}`)

    const { state } = await run(spec, [keys.map((key) => [key, 1]), keys.map((key) => [key, 0]), keys.map((key) => [key, 2])])

    expect(state[2]).toEqual(keys.map((key) => [key, 3]).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)))
  })

  it('applies a batch whole even when its output is only partly read (print takes the first records)', async () => {
    const clock = new ManualClock()
    const ssc = new StreamingContext(sc, Seconds(1), { clock })
    ssc.checkpoint(join(scratch, 'checkpoint-take'))
    const queue: Pair[][] = [[['a', 1], ['b', 1], ['c', 1], ['d', 1]], [['a', 1]]]
    const firstOnly: unknown[][] = []
    const states: unknown[][] = []
    const stream = ssc.queueStream(queue).mapWithState(StateSpec.function(runningSum).numPartitions(1))
    stream.foreachRDD(async (rdd) => {
      firstOnly.push(await rdd.take(1))
    })
    stream.stateSnapshots().foreachRDD(async (rdd) => {
      states.push(sortRecords(await rdd.collect()))
    })
    try {
      await ssc.start()
      await clock.advance(Seconds(2))
    } finally {
      await ssc.stop(false)
    }

    expect(firstOnly.map((batch) => batch.length)).toEqual([1, 1])
    expect(states[1]).toEqual([['a', 2], ['b', 1], ['c', 1], ['d', 1]])
  })

  it('refuses a State.update while the key is timing out', async () => {
    const spec = StateSpec.function((key: string, value: number | null, state: State<number>) => {
      if (state.isTimingOut()) state.update(0)
      else state.update(value ?? 0)
      return key
    }).timeout(Seconds(1))

    const log = captureLog()
    try {
      await expect(run(spec, [[['a', 1]]], 2)).rejects.toThrow(/Cannot update the state of a key that is timing out/)
      expect(log.at('ERROR').some((line) => line.includes('MapWithStateRDD'))).toBe(true)
    } finally {
      log.restore()
    }
  })

  it('needs a checkpoint directory, as in Spark', async () => {
    const ssc = new StreamingContext(sc, Seconds(1), { clock: new ManualClock() })
    ssc.queueStream<Pair>([]).mapWithState(StateSpec.function(runningSum)).print()
    try {
      await expect(ssc.start()).rejects.toThrow(/needs a checkpoint directory for its state; call ssc.checkpoint\(directory\)/)
    } finally {
      await ssc.stop(false)
    }
  })
})
