import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { type DStream, ManualClock, Seconds, StreamingContext } from '../../src/index.js'
import { sharedSparkContext } from '../support/run-batches.js'

type Count = [string, number]

let scratch: string
let nextName = 0

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'sluice-window-recovery-'))
})

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true })
})

const add = (a: number, b: number): number => a + b
const subtract = (a: number, b: number): number => a - b
const sum = (values: number[], state: number | null): number => values.reduce((a, b) => a + b, state ?? 0)

const batches: string[][] = [['a b', 'a'], ['b c'], [], ['c c a'], ['d'], ['a d'], ['b'], ['e a'], [], ['c']]

/** What a program prints at each batch time: the batch's records, sorted. */
type Outputs = Map<number, Count[]>

interface Run {
  readonly ssc: StreamingContext
  readonly clock: ManualClock
  readonly queue: string[][]
  readonly outputs: Outputs
}

function program(directory: string, startMs: number, windowed: (pairs: DStream<Count>) => DStream<Count>): Run {
  const clock = new ManualClock(startMs)
  const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock })
  ssc.checkpoint(directory)
  const queue: string[][] = []
  const outputs: Outputs = new Map()
  windowed(
    ssc
      .queueStream(queue)
      .flatMap((line) => line.split(' '))
      .map((word) => [word, 1] as Count),
  ).foreachRDD(async (rdd, time) => {
    outputs.set(time.milliseconds, (await rdd.collect()).sort())
  })
  return { ssc, clock, queue, outputs }
}

/** Every batch's output of a run that is never interrupted. */
async function uninterrupted(windowed: (pairs: DStream<Count>) => DStream<Count>): Promise<Outputs> {
  const run = program(join(scratch, `checkpoint-${nextName++}`), 0, windowed)
  run.queue.push(...batches)
  await run.ssc.start()
  try {
    for (let i = 0; i < batches.length; i++) await run.clock.advance(Seconds(1))
  } finally {
    await run.ssc.stop(false)
  }
  return run.outputs
}

/** Runs `crashAfter` batches, drops the context, recovers with getOrCreate and runs the rest; the outputs of both runs by batch time (the later run's win). */
async function crashAndRecover(windowed: (pairs: DStream<Count>) => DStream<Count>, crashAfter: number): Promise<Outputs> {
  const directory = join(scratch, `checkpoint-${nextName++}`)
  const first = program(directory, 0, windowed)
  first.queue.push(...batches.slice(0, crashAfter))
  await first.ssc.start()
  for (let i = 0; i < crashAfter; i++) await first.clock.advance(Seconds(1))
  await first.ssc.stop(false)

  let second: Run | null = null
  const recovered = await StreamingContext.getOrCreate(directory, () => {
    second = program(directory, crashAfter * 1000, windowed)
    return second.ssc
  })
  const run = second as unknown as Run
  run.queue.push(...batches.slice(crashAfter))
  try {
    await recovered.start()
    await run.clock.advance(0)
    for (let i = crashAfter; i < batches.length; i++) await run.clock.advance(Seconds(1))
  } finally {
    await recovered.stop(false)
  }
  return new Map([...first.outputs, ...run.outputs])
}

const programs: [string, (pairs: DStream<Count>) => DStream<Count>][] = [
  ['window(3 s, 1 s)', (pairs) => pairs.window(Seconds(3), Seconds(1)).reduceByKey(add)],
  ['window(4 s, 2 s)', (pairs) => pairs.window(Seconds(4), Seconds(2)).reduceByKey(add)],
  ['reduceByKeyAndWindow(+, 3 s, 1 s)', (pairs) => pairs.reduceByKeyAndWindow(add, Seconds(3), Seconds(1))],
  ['reduceByKeyAndWindow(+, -, 4 s, 2 s) checkpointed every 2 s', (pairs) => pairs.reduceByKeyAndWindow(add, subtract, Seconds(4), Seconds(2)).checkpoint(Seconds(2))],
  ['reduceByKeyAndWindow(+, -, 3 s, 1 s) checkpointed every 3 s', (pairs) => pairs.reduceByKeyAndWindow(add, subtract, Seconds(3), Seconds(1)).checkpoint(Seconds(3))],
  ['reduceByKeyAndWindow(+, -, 3 s, 1 s) with the default checkpoint interval', (pairs) => pairs.reduceByKeyAndWindow(add, subtract, Seconds(3), Seconds(1))],
  ['a window of updateStateByKey checkpointed every 2 s', (pairs) => pairs.updateStateByKey(sum).checkpoint(Seconds(2)).window(Seconds(2), Seconds(2))],
  ['updateStateByKey every 4 s joined with a window(2 s, 1 s)', (pairs) => pairs.updateStateByKey(sum).checkpoint(Seconds(4)).join(pairs.window(Seconds(2), Seconds(1)).reduceByKey(add)).mapValues(([total, recent]) => total * 100 + recent)],
]

describe('windows across a crash', () => {
  describe.each(programs)('%s', (_, windowed) => {
    let expected: Outputs

    beforeAll(async () => {
      expected = await uninterrupted(windowed)
    })

    it.each([1, 2, 3, 4, 5, 7, 9])('gives every batch the output of an uninterrupted run, crashing after batch %i', async (crashAfter) => {
      const outputs = await crashAndRecover(windowed, crashAfter)

      expect([...outputs].sort(([a], [b]) => a - b)).toEqual([...expected].sort(([a], [b]) => a - b))
    })
  })
})
