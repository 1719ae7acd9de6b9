import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { CheckpointError, type DStream, ManualClock, type RDD, Receiver, Seconds, type State, StateSpec, StreamingContext } from '../../src/index.js'
import { captureLog } from '../support/log-capture.js'
import { rejectionOf } from '../support/rejection.js'
import { sharedSparkContext } from '../support/run-batches.js'
import { waitUntil } from '../support/wait-until.js'

type Count = [string, number]

let scratch: string
let nextName = 0

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'sluice-recovery-'))
})

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true })
})

const sum = (values: number[], state: number | null): number => values.reduce((a, b) => a + b, state ?? 0)

/** Stores what the test gives it. */
class HandFedReceiver extends Receiver<string> {
  onStart(): void {}
  onStop(): void {}
}

const batches: string[][] = [['a b', 'a'], ['b c'], [], ['c c a'], ['d'], ['a d'], ['b']]

function reference(upTo: number): Count[] {
  const counts = new Map<string, number>()
  for (const lines of batches.slice(0, upTo)) for (const line of lines) for (const word of line.split(' ')) counts.set(word, (counts.get(word) ?? 0) + 1)
  return [...counts].sort()
}

interface Run {
  readonly ssc: StreamingContext
  readonly clock: ManualClock
  readonly queue: string[][]
  readonly states: Count[][]
}

/** The program of these tests, as a user writes it for getOrCreate: it defines the streams and sets the checkpoint directory. */
function program(directory: string, startMs: number, stateful: (pairs: DStream<Count>) => DStream<Count>, checkpointEvery?: number): Run {
  const clock = new ManualClock(startMs)
  const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock })
  ssc.checkpoint(directory)
  const queue: string[][] = []
  const states: Count[][] = []
  const counts = stateful(
    ssc
      .queueStream(queue)
      .flatMap((line) => line.split(' '))
      .map((word) => [word, 1] as Count),
  )
  if (checkpointEvery !== undefined) counts.checkpoint(checkpointEvery)
  counts.foreachRDD(async (rdd) => {
    states.push((await rdd.collect()).sort())
  })
  return { ssc, clock, queue, states }
}

const withUpdateStateByKey = (pairs: DStream<Count>): DStream<Count> => pairs.updateStateByKey(sum)

const withMapWithState = (pairs: DStream<Count>): DStream<Count> =>
  pairs
    .mapWithState(
      StateSpec.function((word: string, one: number | null, state: State<number>) => {
        state.update((state.getOption() ?? 0) + (one ?? 0))
        return [word, state.get()] as Count
      }),
    )
    .stateSnapshots()

/** Runs `crashAfter` batches, drops the context as a crash would, recovers with getOrCreate and runs the rest; the state after each batch. */
async function crashAndRecover(stateful: (pairs: DStream<Count>) => DStream<Count>, crashAfter: number, checkpointEvery?: number): Promise<Count[][]> {
  const directory = join(scratch, `checkpoint-${nextName++}`)
  const first = program(directory, 0, stateful, checkpointEvery)
  first.queue.push(...batches.slice(0, crashAfter))
  await first.ssc.start()
  for (let i = 0; i < crashAfter; i++) await first.clock.advance(Seconds(1))
  await first.ssc.stop(false)

  let second: Run | null = null
  const recovered = await StreamingContext.getOrCreate(directory, () => {
    second = program(directory, crashAfter * 1000, stateful, checkpointEvery)
    return second.ssc
  })
  const run = second as unknown as Run
  expect(recovered).toBe(run.ssc)
  run.queue.push(...batches.slice(crashAfter))
  try {
    await recovered.start()
    await run.clock.advance(0)
    for (let i = crashAfter; i < batches.length; i++) await run.clock.advance(Seconds(1))
  } finally {
    await recovered.stop(false)
  }
  return [...first.states, ...run.states]
}

describe('StreamingContext.getOrCreate after a crash', () => {
  it.each([1, 2, 3, 4, 5, 6])('gives updateStateByKey the state of an uninterrupted run, crashing after batch %i', async (crashAfter) => {
    const states = await crashAndRecover(withUpdateStateByKey, crashAfter)

    // Batches after the last state checkpoint run again, so the states of the last run end at the full count.
    expect(states.at(-1)).toEqual(reference(batches.length))
    expect(states.slice(0, crashAfter)).toEqual(batches.slice(0, crashAfter).map((_, i) => reference(i + 1)))
  })

  it.each([2, 3, 5])('restores updateStateByKey from a state checkpoint every 2 batches, crashing after batch %i', async (crashAfter) => {
    const states = await crashAndRecover(withUpdateStateByKey, crashAfter, 2000)

    expect(states.at(-1)).toEqual(reference(batches.length))
  })

  it.each([1, 2, 3, 4, 5, 6])('gives mapWithState the state of an uninterrupted run, crashing after batch %i', async (crashAfter) => {
    const states = await crashAndRecover(withMapWithState, crashAfter)

    expect(states.at(-1)).toEqual(reference(batches.length))
  })

  it('reads each file of a textFileStream once across a crash', async () => {
    const directory = join(scratch, `checkpoint-${nextName++}`)
    const watched = join(scratch, `watched-${nextName++}`)
    mkdirSync(watched)
    const moveIn = (name: string, text: string, mtimeMs: number): void => {
      const staging = join(scratch, `staging-${nextName++}`)
      writeFileSync(staging, text)
      utimesSync(staging, new Date(mtimeMs), new Date(mtimeMs))
      renameSync(staging, join(watched, name))
    }
    const make = (startMs: number): { ssc: StreamingContext; clock: ManualClock; states: Count[][] } => {
      const clock = new ManualClock(startMs)
      const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock })
      ssc.checkpoint(directory)
      const states: Count[][] = []
      ssc
        .textFileStream(watched, { newFilesOnly: false })
        .flatMap((line) => line.split(' '))
        .map((word) => [word, 1] as Count)
        .updateStateByKey(sum)
        .foreachRDD(async (rdd) => {
          states.push((await rdd.collect()).sort())
        })
      return { ssc, clock, states }
    }
    const first = make(0)
    moveIn('one.txt', 'a b\n', 500)
    await first.ssc.start()
    await first.clock.advance(Seconds(1))
    moveIn('two.txt', 'b c\n', 1500)
    await first.clock.advance(Seconds(1))
    await first.ssc.stop(false)

    let second: { ssc: StreamingContext; clock: ManualClock; states: Count[][] } | null = null
    const ssc = await StreamingContext.getOrCreate(directory, () => {
      second = make(2000)
      return second.ssc
    })
    const run = second as unknown as { ssc: StreamingContext; clock: ManualClock; states: Count[][] }
    moveIn('three.txt', 'c d\n', 2500)
    try {
      await ssc.start()
      await run.clock.advance(0)
      await run.clock.advance(Seconds(1))
    } finally {
      await ssc.stop(false)
    }

    expect(run.states.at(-1)).toEqual([['a', 1], ['b', 2], ['c', 2], ['d', 1]])
  })

  it('runs a batch that was generated but not completed again after a crash, with the same input', async () => {
    const directory = join(scratch, `checkpoint-${nextName++}`)
    const crashed = join(scratch, `checkpoint-${nextName++}`)
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    // A first output that holds up batch 3 until the test has taken the checkpoint directory as a crash would leave it.
    const heldAtBatch3 = (pairs: DStream<Count>): DStream<Count> => {
      const counts = pairs.updateStateByKey(sum)
      counts.foreachRDD(async (_, time) => {
        if (time.milliseconds === 3000) await gate
      })
      return counts
    }
    const first = program(directory, 0, heldAtBatch3, 1000)
    first.queue.push(...batches.slice(0, 3))
    await first.ssc.start()
    await first.clock.advance(Seconds(2))
    const third = first.clock.advance(Seconds(1))
    await waitUntil(() => existsSync(join(directory, 'checkpoint-3000')), 'the checkpoint of batch 3 as generated is written')
    cpSync(directory, crashed, { recursive: true })
    release()
    await third
    await first.ssc.stop(false)

    let second: Run | null = null
    const recovered = await StreamingContext.getOrCreate(crashed, () => {
      second = program(crashed, 3000, heldAtBatch3, 1000)
      return second.ssc
    })
    const run = second as unknown as Run
    run.queue.push(...batches.slice(3))
    try {
      await recovered.start()
      await run.clock.advance(0)
      for (let i = 3; i < batches.length; i++) await run.clock.advance(Seconds(1))
    } finally {
      await recovered.stop(false)
    }

    expect(first.states).toEqual([reference(1), reference(2), reference(3)])
    // The state checkpoint of batch 2 is restored, batch 3 runs again with its queued lines, then the rest.
    expect(run.states).toEqual(batches.slice(2).map((_, i) => reference(i + 3)))
  })

  it('refuses a checkpoint written by a different stream graph, naming both and suggesting a new directory', async () => {
    const directory = join(scratch, `checkpoint-${nextName++}`)
    const first = program(directory, 0, withUpdateStateByKey)
    first.queue.push(['a'])
    await first.ssc.start()
    await first.clock.advance(Seconds(1))
    await first.ssc.stop(false)

    const ssc = await StreamingContext.getOrCreate(directory, () => program(directory, 1000, withMapWithState).ssc)
    try {
      const error = await rejectionOf<CheckpointError>(ssc.start())
      expect(error).toBeInstanceOf(CheckpointError)
      expect(error.message).toMatch(
        /was written by a different stream graph: its stateful streams are StateDStream, this program's are MapWithStateDStream\. It has: .*StateDStream.*\. This program defines: .*MapWithStateDStream.*use a new checkpoint directory/,
      )
    } finally {
      await ssc.stop(false)
    }
  })

  it('refuses a checkpoint written with another batch duration, saying both durations', async () => {
    const directory = join(scratch, `checkpoint-${nextName++}`)
    const first = program(directory, 0, withUpdateStateByKey)
    first.queue.push(['a'])
    await first.ssc.start()
    await first.clock.advance(Seconds(1))
    await first.ssc.stop(false)

    const ssc = await StreamingContext.getOrCreate(directory, () => {
      const other = new StreamingContext(sharedSparkContext(), Seconds(2), { clock: new ManualClock(2000) })
      other.checkpoint(directory)
      withUpdateStateByKey(other.queueStream<string>([]).map((word) => [word, 1] as Count)).print()
      return other
    })
    try {
      const error = await rejectionOf<CheckpointError>(ssc.start())
      expect(error).toBeInstanceOf(CheckpointError)
      expect(error.message).toContain("was written by a different stream graph: its batch duration is 1000 ms, this program's is 2000 ms")
    } finally {
      await ssc.stop(false)
    }
  })

  it('falls back to the previous checkpoint when the newest is torn, and logs which file it rejected', async () => {
    const directory = join(scratch, `checkpoint-${nextName++}`)
    const first = program(directory, 0, withUpdateStateByKey)
    first.queue.push(...batches.slice(0, 3))
    await first.ssc.start()
    for (let i = 0; i < 3; i++) await first.clock.advance(Seconds(1))
    await first.ssc.stop(false)
    const newest = readdirSync(directory).filter((name) => name.startsWith('checkpoint-')).sort().at(-1) as string
    truncateSync(join(directory, newest), 10)

    const log = captureLog()
    try {
      let second: Run | null = null
      const ssc = await StreamingContext.getOrCreate(directory, () => {
        second = program(directory, 3000, withUpdateStateByKey)
        return second.ssc
      })
      expect(log.at('WARN').some((line) => line.includes(newest) && line.includes('truncated'))).toBe(true)
      await ssc.stop(false)
    } finally {
      log.restore()
    }
  })

  it('refuses to recover from a corrupted state file that every kept checkpoint needs, naming each checkpoint tried', async () => {
    const directory = join(scratch, `checkpoint-${nextName++}`)
    const first = program(directory, 0, withUpdateStateByKey, 1000)
    first.queue.push(...batches.slice(0, 2))
    await first.ssc.start()
    for (let i = 0; i < 2; i++) await first.clock.advance(Seconds(1))
    await first.ssc.stop(false)
    const stateDirectory = join(directory, 'state', 'state-0')
    for (const name of readdirSync(stateDirectory)) {
      const path = join(stateDirectory, name)
      const bytes = readFileSync(path)
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff
      writeFileSync(path, bytes)
    }

    const log = captureLog()
    try {
      const error = await rejectionOf<CheckpointError>(StreamingContext.getOrCreate(directory, () => program(directory, 2000, withUpdateStateByKey, 1000).ssc))
      expect(error).toBeInstanceOf(CheckpointError)
      const tried = readdirSync(directory).filter((name) => name.startsWith('checkpoint-'))
      expect(tried.length).toBeGreaterThan(0)
      for (const name of tried) expect(error.message).toContain(name)
      expect(error.message).toMatch(/checksum/)
    } finally {
      log.restore()
    }
  })

  it('saves the records of RDDs taken from a queueStream, so the batches run again after a crash have them', async () => {
    const directory = join(scratch, `checkpoint-${nextName++}`)
    const make = (startMs: number): { ssc: StreamingContext; clock: ManualClock; queue: RDD<string>[]; states: Count[][] } => {
      const clock = new ManualClock(startMs)
      const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock })
      ssc.checkpoint(directory)
      const queue: RDD<string>[] = []
      const states: Count[][] = []
      ssc
        .queueStream(queue)
        .map((word) => [word, 1] as Count)
        .updateStateByKey(sum)
        .foreachRDD(async (rdd) => {
          states.push((await rdd.collect()).sort())
        })
      return { ssc, clock, queue, states }
    }
    const first = make(0)
    first.queue.push(sharedSparkContext().parallelize(['a', 'b']), sharedSparkContext().parallelize(['b', 'c'], 2))
    await first.ssc.start()
    await first.clock.advance(Seconds(2))
    await first.ssc.stop(false)

    let second: ReturnType<typeof make> | null = null
    const ssc = await StreamingContext.getOrCreate(directory, () => {
      second = make(2000)
      return second.ssc
    })
    const run = second as unknown as ReturnType<typeof make>
    run.queue.push(sharedSparkContext().parallelize(['c']))
    try {
      await ssc.start()
      await run.clock.advance(0)
      await run.clock.advance(Seconds(1))
    } finally {
      await ssc.stop(false)
    }

    // The state checkpoint interval is 10 s, so both batches run again from the records saved with the checkpoint.
    expect(run.states.at(-1)).toEqual([['a', 1], ['b', 2], ['c', 2]])
  })

  it('never reads new input for a batch time from before the restart', async () => {
    const directory = join(scratch, `checkpoint-${nextName++}`)
    const make = (startMs: number): { ssc: StreamingContext; clock: ManualClock; receiver: HandFedReceiver; words: DStream<string>; batches: string[][] } => {
      const clock = new ManualClock(startMs)
      const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock })
      ssc.checkpoint(directory)
      const receiver = new HandFedReceiver()
      const words = ssc.receiverStream(receiver)
      const batches: string[][] = []
      words.foreachRDD(async (rdd) => void batches.push(await rdd.collect()))
      words.map((word) => [word, 1] as Count).updateStateByKey(sum).checkpoint(Seconds(1)).print()
      return { ssc, clock, receiver, words, batches }
    }
    const first = make(0)
    await first.ssc.start()
    await first.clock.advance(Seconds(2))
    await first.ssc.stop(false)

    let second: ReturnType<typeof make> | null = null
    const ssc = await StreamingContext.getOrCreate(directory, () => {
      second = make(2000)
      return second.ssc
    })
    const run = second as unknown as ReturnType<typeof make>
    try {
      await ssc.start()
      await run.receiver.store('after the restart')
      const before = await run.words.slice(1000, 2000)
      await run.clock.advance(Seconds(1))

      expect(before).toEqual([])
      expect(run.batches).toEqual([['after the restart']])
    } finally {
      await ssc.stop(false)
    }
  })

  it('reports a checkpoint that cannot be written through awaitTermination, keeping the stream running', async () => {
    const directory = join(scratch, `checkpoint-${nextName++}`)
    const run = program(directory, 0, withUpdateStateByKey, 1000)
    // A file where the state directory must go: every state write fails.
    writeFileSync(join(directory, 'state'), 'in the way')
    run.queue.push(['a'], ['b'])
    const log = captureLog()
    try {
      await run.ssc.start()
      const error = await rejectionOf<CheckpointError>(run.clock.advance(Seconds(1)))
      expect(error).toBeInstanceOf(CheckpointError)
      await run.clock.advance(Seconds(1)).catch(() => {})
      expect(run.states).toHaveLength(2)
    } finally {
      log.restore()
      await run.ssc.stop(false)
    }
  })
})
