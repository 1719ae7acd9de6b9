import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { IllegalStateError, ManualClock, Milliseconds, Receiver, Seconds, SparkConf, SparkContext, StreamingContext } from '../../src/index.js'
import { logger } from '../../src/common/logger.js'
import { WriteAheadLog } from '../../src/recovery/index.js'
import { frameRecord } from '../../src/recovery/write-ahead-log-format.js'
import { captureLog } from '../support/log-capture.js'
import { recordStreamingEvents } from '../support/receiver-recorder.js'
import { rejectionOf } from '../support/rejection.js'
import { waitUntil } from '../support/wait-until.js'

type Count = [string, number]

/** Stores what the test gives it. */
class HandFedReceiver extends Receiver<string> {
  onStart(): void {}
  onStop(): void {}
}

let sc: SparkContext
let scratch: string
let nextName = 0

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'sluice-receiver-wal-'))
  sc = new SparkContext(
    new SparkConf()
      .setMaster('local[2]')
      .setAppName('receiver-wal-test')
      .set('spark.streaming.blockInterval', '250ms')
      .set('spark.streaming.receiver.writeAheadLog.enable', 'true')
      .set('spark.streaming.receiver.writeAheadLog.rollingIntervalSecs', '1'),
  )
})

afterAll(async () => {
  await sc.stop()
  rmSync(scratch, { recursive: true, force: true })
})

const quarter = Milliseconds(250)
const sum = (values: number[], state: number | null): number => values.reduce((a, b) => a + b, state ?? 0)

interface Run {
  readonly ssc: StreamingContext
  readonly clock: ManualClock
  readonly receiver: HandFedReceiver
  /** The words each batch took, by batch time. */
  readonly inputs: Map<number, string[]>
  readonly states: Count[][]
}

/** A word count over a receiver with a write-ahead log, as a user writes it for getOrCreate. */
function program(directory: string, startMs: number, checkpointEvery?: number): Run {
  const clock = new ManualClock(startMs)
  const ssc = new StreamingContext(sc, Seconds(1), { clock })
  ssc.checkpoint(directory)
  const receiver = new HandFedReceiver()
  const words = ssc.receiverStream(receiver)
  const inputs = new Map<number, string[]>()
  const states: Count[][] = []
  words.foreachRDD(async (rdd, time) => {
    inputs.set(time.milliseconds, (await rdd.collect()).sort())
  })
  const counts = words.map((word) => [word, 1] as Count).updateStateByKey(sum)
  if (checkpointEvery !== undefined) counts.checkpoint(checkpointEvery)
  counts.foreachRDD(async (rdd) => {
    states.push((await rdd.collect()).sort())
  })
  return { ssc, clock, receiver, inputs, states }
}

/** Stores `words` and moves the clock to the next block interval, whose block the receiver's log then holds: `store` resolves only then. */
async function storeLogged(run: Run, words: string[]): Promise<void> {
  const stored = run.receiver.store(words)
  await run.clock.advance(quarter)
  await stored
}

async function recover(directory: string, startMs: number, checkpointEvery?: number): Promise<Run> {
  let run: Run | null = null
  const ssc = await StreamingContext.getOrCreate(directory, () => {
    run = program(directory, startMs, checkpointEvery)
    return run.ssc
  })
  expect(ssc).toBe((run as unknown as Run).ssc)
  return run as unknown as Run
}

function segments(directory: string): string[] {
  return readdirSync(join(directory, 'receivedData', '0')).filter((name) => name.startsWith('log-'))
}

describe('receiver write-ahead log (spark.streaming.receiver.writeAheadLog.enable)', () => {
  it('refuses to start without a checkpoint directory, saying where the log would go', async () => {
    const ssc = new StreamingContext(sc, Seconds(1), { clock: new ManualClock() })
    ssc.receiverStream(new HandFedReceiver()).print()

    const error = await rejectionOf(ssc.start())

    expect(error).toBeInstanceOf(IllegalStateError)
    expect((error as Error).message).toMatch(/spark\.streaming\.receiver\.writeAheadLog\.enable .*checkpoint directory; call ssc\.checkpoint\(directory\) before start\(\)/)
    await ssc.stop(false)
  })

  it('refuses to start without a checkpoint directory also when no output reads the receiver', async () => {
    const ssc = new StreamingContext(sc, Seconds(1), { clock: new ManualClock() })
    ssc.receiverStream(new HandFedReceiver())
    ssc.queueStream([['a']]).print()

    const error = await rejectionOf(ssc.start())

    expect(error).toBeInstanceOf(IllegalStateError)
    await ssc.stop(false)
  })

  it('logs each block before a batch may take it, and store resolves once its records are in the log', async () => {
    const directory = join(scratch, `checkpoint-${nextName++}`)
    const run = program(directory, 0)
    await run.ssc.start()
    try {
      const stored = run.receiver.store(['a', 'b'])
      let resolved = false
      void stored.then(() => (resolved = true))
      await new Promise((wake) => setTimeout(wake, 20))
      expect(resolved).toBe(false)

      await run.clock.advance(quarter)
      await stored
      const logged = await new WriteAheadLog(join(directory, 'receivedData', '0')).readAll()
      expect(logged).toHaveLength(1)
      expect(Buffer.from((logged[0] as { bytes: Uint8Array }).bytes).includes('a')).toBe(true)

      await run.clock.advance(Milliseconds(750))
      expect(run.inputs.get(1000)).toEqual(['a', 'b'])
    } finally {
      await run.ssc.stop(false)
    }
  })

  it('after a crash, runs the batches since the state checkpoint again with their logged blocks and gives the next batch the blocks logged but not taken', async () => {
    const directory = join(scratch, `checkpoint-${nextName++}`)
    const first = program(directory, 0)
    await first.ssc.start()
    await storeLogged(first, ['a', 'b'])
    await first.clock.advance(Milliseconds(750))
    await storeLogged(first, ['a', 'c'])
    await first.clock.advance(Milliseconds(750))
    await storeLogged(first, ['d'])
    await first.ssc.stop(false)
    expect(first.inputs).toEqual(new Map([[1000, ['a', 'b']], [2000, ['a', 'c']]]))

    const second = await recover(directory, 2250)
    try {
      await second.ssc.start()
      await second.clock.advance(0)
      await second.clock.advance(Milliseconds(750))
    } finally {
      await second.ssc.stop(false)
    }

    // No state checkpoint yet (the default interval is 10 s): batches 1 and 2 run again from the log, with the same blocks.
    expect(second.inputs).toEqual(new Map([[1000, ['a', 'b']], [2000, ['a', 'c']], [3000, ['d']]]))
    expect(second.states.at(-1)).toEqual([['a', 2], ['b', 1], ['c', 1], ['d', 1]])
  })

  it('recovers the logged blocks of a run that crashed before its first checkpoint', async () => {
    const directory = join(scratch, `checkpoint-${nextName++}`)
    const first = program(directory, 0)
    await first.ssc.start()
    await storeLogged(first, ['early', 'bird'])
    await first.ssc.stop(false)
    for (const name of readdirSync(directory)) if (name.startsWith('checkpoint-')) rmSync(join(directory, name))

    const second = await recover(directory, 500)
    try {
      await second.ssc.start()
      await second.clock.advance(Milliseconds(500))
    } finally {
      await second.ssc.stop(false)
    }

    expect(second.inputs.get(1000)).toEqual(['bird', 'early'])
  })

  it('skips a torn last record of the log and keeps every record before it', async () => {
    const directory = join(scratch, `checkpoint-${nextName++}`)
    const first = program(directory, 0)
    await first.ssc.start()
    await storeLogged(first, ['x'])
    await first.clock.advance(Milliseconds(750))
    await storeLogged(first, ['y', 'z'])
    await first.ssc.stop(false)
    // A crash in the middle of the next write: the first 40 bytes of a 500-byte record.
    const newest = segments(directory).sort().at(-1) as string
    appendFileSync(join(directory, 'receivedData', '0', newest), frameRecord([Buffer.alloc(500, 7)]).subarray(0, 40))

    const log = captureLog()
    const level = logger.level
    logger.setLevel('INFO')
    let second: Run
    try {
      second = await recover(directory, 1250)
      await second.ssc.start()
      await second.clock.advance(Milliseconds(750))
    } finally {
      logger.setLevel(level)
      log.restore()
    }
    await second.ssc.stop(false)

    expect(log.lines.filter((line) => line.includes('torn'))).toEqual([expect.stringContaining(`Skipped a torn record at byte`)])
    expect(log.lines.filter((line) => line.includes('torn'))[0]).toContain(newest)
    expect(second.inputs).toEqual(new Map([[1000, ['x']], [2000, ['y', 'z']]]))
    expect(second.states.at(-1)).toEqual([['x', 1], ['y', 1], ['z', 1]])
  })

  it('deletes old log segments once checkpoints no longer need their blocks', async () => {
    const directory = join(scratch, `checkpoint-${nextName++}`)
    const run = program(directory, 0, 1000)
    await run.ssc.start()
    const counts: number[] = []
    try {
      for (let batch = 0; batch < 8; batch++) {
        await storeLogged(run, [`w${batch}`])
        await run.clock.advance(Milliseconds(750))
        counts.push(segments(directory).length)
      }
    } finally {
      await run.ssc.stop(false)
    }

    // Segments roll every second (rollingIntervalSecs = 1); a few stay for the checkpoints kept and the newest.
    expect(Math.max(...counts.slice(4))).toBeLessThanOrEqual(4)
    expect(run.states.at(-1)).toHaveLength(8)
  })

  it('reports a block that cannot be logged and keeps it until a retry succeeds, losing no record', async () => {
    const directory = join(scratch, `checkpoint-${nextName++}`)
    const run = program(directory, 0)
    const events = recordStreamingEvents(run.ssc)
    const log = captureLog()
    try {
      await run.ssc.start()
      // The log's directory cannot be created while a file has its parent's name.
      writeFileSync(join(directory, 'receivedData'), 'in the way')
      const stored = run.receiver.store(['kept'])
      await run.clock.advance(quarter)
      await events.waitFor('onReceiverError', 1)
      expect(events.of('onReceiverError')[0]?.lastErrorMessage).toMatch(/^Cannot write a block of 1 records from HandFedReceiver-\d+ of .* to the write-ahead log; trying again in 250 ms, the records wait in memory/)

      rmSync(join(directory, 'receivedData'))
      await stored
      await run.clock.advance(Milliseconds(750))
      expect(run.inputs.get(1000)).toEqual(['kept'])
    } finally {
      log.restore()
      await run.ssc.stop(false)
    }
  })

  it('ignores the log of an earlier run when the context is not made by getOrCreate', async () => {
    const directory = join(scratch, `checkpoint-${nextName++}`)
    const first = program(directory, 0)
    await first.ssc.start()
    await storeLogged(first, ['old'])
    await first.ssc.stop(false)

    const log = captureLog()
    const second = program(directory, 0)
    try {
      await second.ssc.start()
      await storeLogged(second, ['new'])
      await second.clock.advance(Milliseconds(750))
    } finally {
      log.restore()
      await second.ssc.stop(false)
    }

    expect(second.inputs.get(1000)).toEqual(['new'])
    expect(log.at('WARN').some((line) => line.includes('Ignored 1 blocks that an earlier run left in the write-ahead log'))).toBe(true)
  })

  it('waits for blocks being logged before the last batch of a graceful stop', async () => {
    const directory = join(scratch, `checkpoint-${nextName++}`)
    const run = program(directory, 0)
    await run.ssc.start()
    void run.receiver.store(['last'])
    await run.ssc.stop(false, true)
    await waitUntil(() => run.inputs.size > 0, 'the last batch ran')

    expect([...run.inputs.values()].flat()).toEqual(['last'])
  })
})
