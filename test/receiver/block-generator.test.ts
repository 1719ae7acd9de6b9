import { describe, expect, it } from 'vitest'

import { ManualClock } from '../../src/index.js'
import { ACCEPTED, BlockGenerator, type Block } from '../../src/receiver/block-generator.js'
import { decode } from '../../src/serde/codec.js'
import { captureLog } from '../support/log-capture.js'

interface Harness<T> {
  readonly clock: ManualClock
  readonly generator: BlockGenerator<T>
  readonly errors: string[]
}

function startGenerator<T>(options: { blockIntervalMs?: number; maxRatePerSecond?: number } = {}): Harness<T> {
  const clock = new ManualClock()
  const errors: string[] = []
  const generator = new BlockGenerator<T>({
    blockIntervalMs: options.blockIntervalMs ?? 200,
    maxRatePerSecond: options.maxRatePerSecond ?? Number.POSITIVE_INFINITY,
    clock,
    source: 'TestReceiver-0 of TestDStream[0]',
    reportError: (message) => void errors.push(message),
  })
  generator.start()
  return { clock, generator, errors }
}

function contents<T>(blocks: readonly Block[]): T[][] {
  return blocks.map((block) => {
    const records = decode<T[]>(block.bytes)
    expect(block.numRecords).toBe(records.length)
    expect(block.bytes.buffer).toBeInstanceOf(SharedArrayBuffer)
    return records
  })
}

/** Lets the generator's timer run after the clock moved (its wake-ups are promise callbacks). */
async function settle(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve))
}

describe('BlockGenerator', () => {
  it('cuts the records stored in each block interval into one block, skipping empty intervals', async () => {
    const { clock, generator } = startGenerator<string>()
    void generator.addItems(['a', 'b'])
    clock.setTime(200)
    await settle()
    void generator.addItems(['c'])
    clock.setTime(400)
    await settle()
    clock.setTime(600)
    await settle()
    void generator.addItems(['d'])
    void generator.addItems(['e'])

    expect(contents(generator.takeBlocks())).toEqual([['a', 'b'], ['c'], ['d', 'e']])
    await generator.stop()
  })

  it('hands each block to one taker only', async () => {
    const { generator } = startGenerator<number>()
    void generator.addItems([1, 2])

    expect(contents(generator.takeBlocks())).toEqual([[1, 2]])
    expect(generator.takeBlocks()).toEqual([])
    expect(generator.hasPendingData).toBe(false)
    await generator.stop()
  })

  it('copies what it is given, so a caller may reuse its array', async () => {
    const { generator } = startGenerator<number>()
    const reused = [1, 2]
    void generator.addItems(reused)
    reused.length = 0
    reused.push(3)
    void generator.addItems(reused)

    expect(contents(generator.takeBlocks())).toEqual([[1, 2, 3]])
    await generator.stop()
  })

  it('answers at once with the shared accepted promise when there is no maximum rate', async () => {
    const { generator } = startGenerator<number>()

    expect(generator.addItems([1, 2, 3])).toBe(ACCEPTED)
    await generator.stop()
  })

  it('lets in at most maxRate records per second of the clock, in order, and resolves a store once all of it is in', async () => {
    const { clock, generator } = startGenerator<number>({ maxRatePerSecond: 10, blockIntervalMs: 1000 })
    let stored = false
    void generator.addItems(Array.from({ length: 35 }, (_, i) => i)).then(() => (stored = true))
    const perSecond: number[][] = []
    for (let second = 1; second <= 4; second++) {
      clock.setTime(second * 1000)
      await settle()
      perSecond.push(contents<number>(generator.takeBlocks()).flat())
      if (second < 4) expect(stored).toBe(false)
    }

    expect(perSecond.map((records) => records.length)).toEqual([10, 10, 10, 5])
    expect(perSecond.flat()).toEqual(Array.from({ length: 35 }, (_, i) => i))
    expect(stored).toBe(true)
    await generator.stop()
  })

  it('keeps held records behind later stores, so records stay in the order they were stored', async () => {
    const { clock, generator } = startGenerator<string>({ maxRatePerSecond: 2, blockIntervalMs: 1000 })
    void generator.addItems(['a', 'b', 'c'])
    void generator.addItems(['d'])
    expect(generator.heldRecords).toBe(4)
    clock.setTime(1000)
    await settle()
    const first = contents<string>(generator.takeBlocks()).flat()
    clock.setTime(2000)
    await settle()

    expect([first, contents<string>(generator.takeBlocks()).flat()]).toEqual([['a', 'b'], ['c', 'd']])
    await generator.stop()
  })

  it('lets every held record in when it stops, into a last block, and resolves their stores', async () => {
    const { generator } = startGenerator<number>({ maxRatePerSecond: 1 })
    const store = generator.addItems([1, 2, 3])
    expect(generator.hasPendingData).toBe(true)
    await generator.stop()
    await store

    expect(contents(generator.takeBlocks())).toEqual([[1, 2, 3]])
    expect(generator.receivedRecords).toBe(3)
  })

  it('does not accept records after it stopped, and says so in the log', async () => {
    const { generator } = startGenerator<number>()
    await generator.stop()
    const log = captureLog()
    try {
      await generator.addItems([1])
    } finally {
      log.restore()
    }

    expect(generator.takeBlocks()).toEqual([])
    expect(generator.receivedRecords).toBe(0)
    expect(log.at('WARN')).toEqual([
      'WARN BlockGenerator: 1 record stored by TestReceiver-0 of TestDStream[0] after it stopped was not accepted; store records only between onStart and onStop',
    ])
  })

  it('reports and drops only the records that cannot be shipped to workers', async () => {
    const { generator, errors } = startGenerator<unknown>()
    class Point {
      constructor(readonly x: number) {}
    }
    void generator.addItems([1, new Point(2), { ok: true }])

    expect(contents(generator.takeBlocks())).toEqual([[1, { ok: true }]])
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^Dropped 1 of 3 records stored by TestReceiver-0 of TestDStream\[0\]: they cannot be shipped to workers \(Cannot ship an instance of class Point/)
    await generator.stop()
  })
})
