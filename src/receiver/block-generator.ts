import type { Clock } from '../common/clock.js'
import { formatError } from '../common/format-error.js'
import { logger } from '../common/logger.js'
import { splitTextLines } from '../executor/text-lines.js'
import type { WalPosition } from '../recovery/index.js'
import { encodeShared, findUnshippable } from '../serde/codec.js'

/**
 * Records a receiver stored during one block interval, for the workers:
 * msgpack-encoded records, or UTF-8 text of whole lines that the workers
 * split (text receivers store bytes so the driver does no per-line work).
 */
export interface Block {
  readonly format: 'records' | 'lines'
  readonly bytes: Uint8Array
  readonly numRecords: number
  /** Where the block is in the receiver's write-ahead log, when it has one. */
  readonly position?: WalPosition
}

export interface BlockGeneratorOptions {
  /** How often stored records are cut into a block (`spark.streaming.blockInterval`). */
  readonly blockIntervalMs: number
  /** Records per second let in (`spark.streaming.receiver.maxRate`); `Infinity` for no limit. */
  readonly maxRatePerSecond: number
  /** The driver's clock, so that a ManualClock moves blocks and rates in tests. */
  readonly clock: Clock
  /** Where the records come from, for messages. */
  readonly source: string
  /** Records that cannot be encoded are dropped and reported here. */
  readonly reportError: (message: string, error: unknown) => void
  /**
   * With a write-ahead log: writes a block to it, resolving once it is
   * durable. A block counts as received (a batch may take it) only then,
   * and `store` resolves only then.
   */
  readonly logBlock?: (block: Block) => Promise<WalPosition>
}

const NEWLINE = 0x0a
const TERMINATOR = new Uint8Array([NEWLINE])

/** What `store` returns when the records are in at once; callers compare with it to skip an await on the hot path. */
export const ACCEPTED: Promise<void> = Promise.resolve()

interface Held<T> {
  readonly items: readonly T[]
  offset: number
  readonly resolve: () => void
}

/** A promise and the function that resolves it. */
interface Signal {
  readonly promise: Promise<void>
  readonly resolve: () => void
}

function signal(): Signal {
  let resolve!: () => void
  const promise = new Promise<void>((done) => (resolve = done))
  return { promise, resolve }
}

/** A cut block on its way into the write-ahead log; `logged` tells the `store` calls of its records. */
interface Unlogged {
  readonly block: Block
  readonly logged: Signal | null
}

/**
 * Spark's BlockGenerator: collects the records a receiver stores and, every
 * block interval of the driver's clock, cuts them into a block encoded once
 * (`encodeShared`). The stream also cuts a block when it generates a batch,
 * so a batch holds every record stored before its time. A record is in
 * exactly one block, and a block is taken by exactly one batch.
 *
 * With a maximum rate, records beyond it are held in arrival order and let
 * in as the rate allows; the promise of their `addItems` call resolves only
 * then, which is how a receiver's reading slows down rather than records
 * being dropped. Stopping lets every held record in at once.
 *
 * With a write-ahead log, cut blocks are written to it one after another,
 * in order, and a batch takes only blocks that are logged; a failed write
 * is reported and tried again, the block waiting in memory.
 */
export class BlockGenerator<T> {
  readonly #options: BlockGeneratorOptions
  readonly #limiter: RateLimiter | null
  readonly #abort = new AbortController()
  #state: 'Initialized' | 'Active' | 'Stopped' = 'Initialized'
  #buffer: T[] = []
  #text: Uint8Array[] = []
  #textBytes = 0
  #textLines = 0
  #blocks: Block[] = []
  /** Cut blocks not yet in the write-ahead log, oldest first. */
  readonly #unlogged: Unlogged[] = []
  /** Resolved when the block being built is logged; shared by the `store` calls of its records. */
  #building: Signal | null = null
  #logging: Promise<void> | null = null
  readonly #held: Held<T>[] = []
  #heldCount = 0
  #received = 0
  #timer: Promise<void> | null = null
  #pump: Promise<void> | null = null

  constructor(options: BlockGeneratorOptions) {
    this.#options = options
    const rate = options.maxRatePerSecond
    this.#limiter = Number.isFinite(rate) ? new RateLimiter(rate) : null
  }

  /** Records let in so far (held-back records not included). */
  get receivedRecords(): number {
    return this.#received
  }

  /** Records held back by the maximum rate. */
  get heldRecords(): number {
    return this.#heldCount
  }

  /** Records stored that no batch has taken yet. */
  get hasPendingData(): boolean {
    return this.#buffer.length > 0 || this.#text.length > 0 || this.#blocks.length > 0 || this.#unlogged.length > 0 || this.#heldCount > 0
  }

  start(): void {
    if (this.#state !== 'Initialized') return
    this.#state = 'Active'
    this.#limiter?.reset(this.#options.clock.getTimeMillis())
    this.#timer = this.#runTimer().catch((error: unknown) => this.#options.reportError(`Block timer of ${this.#options.source} failed`, error))
  }

  /** Adds records to the current block, or holds them while the maximum rate is reached. */
  addItems(items: readonly T[]): Promise<void> {
    if (this.#state === 'Stopped') {
      const records = items.length === 1 ? '1 record' : `${items.length} records`
      const was = items.length === 1 ? 'was' : 'were'
      logger.warn('BlockGenerator', `${records} stored by ${this.#options.source} after it stopped ${was} not accepted; store records only between onStart and onStop`)
      return ACCEPTED
    }
    if (items.length === 0) return ACCEPTED
    if (this.#limiter === null) {
      this.#append(items, 0, items.length)
      return this.#accepted()
    }
    let admitted = 0
    if (this.#held.length === 0) {
      admitted = Math.min(items.length, this.#limiter.available(this.#options.clock.getTimeMillis()))
      this.#limiter.take(admitted)
      this.#append(items, 0, admitted)
      if (admitted === items.length) return this.#accepted()
    }
    return new Promise<void>((resolve) => {
      // A copy: the caller may reuse its array once this call returns.
      const rest = items.slice(admitted)
      this.#held.push({ items: rest, offset: 0, resolve })
      this.#heldCount += rest.length
      this.#pump ??= this.#runPump().catch((error: unknown) => this.#options.reportError(`Rate limiter of ${this.#options.source} failed`, error))
    })
  }

  /**
   * Adds UTF-8 text of whole lines to the current block as it is. Under a
   * maximum rate the text is split into line records here instead, so the
   * limiter can let them in line by line.
   */
  addText(bytes: Uint8Array, lines: number): Promise<void> {
    if (this.#limiter !== null || this.#state === 'Stopped') return this.addItems(splitTextLines(bytes) as T[])
    if (bytes.length === 0) return ACCEPTED
    this.#text.push(bytes)
    this.#textBytes += bytes.length
    if (bytes[bytes.length - 1] !== NEWLINE) {
      // Chunks are joined into one block: an unterminated last line must not run into the next chunk's first.
      this.#text.push(TERMINATOR)
      this.#textBytes += 1
    }
    this.#textLines += lines
    this.#received += lines
    return this.#accepted()
  }

  /** Cuts the records stored so far into a block (nothing if there are none). */
  cutBlock(): void {
    this.#admitDue()
    const cut: Block[] = []
    if (this.#text.length > 0) cut.push(this.#cutText())
    if (this.#buffer.length > 0) {
      const items = this.#buffer
      this.#buffer = []
      const block = this.#encode(items)
      if (block !== null) cut.push(block)
    }
    if (this.#options.logBlock === undefined) {
      for (const block of cut) this.#blocks.push(block)
      return
    }
    const logged = this.#building
    this.#building = null
    // Blocks are logged in order, so the records of this cut are all logged once its last block is.
    cut.forEach((block, index) => this.#unlogged.push({ block, logged: index === cut.length - 1 ? logged : null }))
    if (cut.length === 0) logged?.resolve()
    if (cut.length > 0) this.#logging ??= this.#logBlocks(this.#options.logBlock)
  }

  /** Blocks a recovery read back from the write-ahead log, not yet processed: the next batch takes them first. */
  restoreBlocks(blocks: readonly Block[]): void {
    this.#blocks.unshift(...blocks)
  }

  /** The stored text as one block, copied once into shared memory. */
  #cutText(): Block {
    const shared = new Uint8Array(new SharedArrayBuffer(this.#textBytes))
    let offset = 0
    for (const chunk of this.#text) {
      shared.set(chunk, offset)
      offset += chunk.length
    }
    const block: Block = { format: 'lines', bytes: shared, numRecords: this.#textLines }
    this.#text = []
    this.#textBytes = 0
    this.#textLines = 0
    return block
  }

  /** Every block received up to now (logged, with a write-ahead log), for one batch: after this call no other batch sees them. */
  takeBlocks(): Block[] {
    this.cutBlock()
    const blocks = this.#blocks
    this.#blocks = []
    return blocks
  }

  /** Stops the timers, lets in every held record and cuts the last block; the blocks wait for a batch to take them. */
  async stop(): Promise<void> {
    if (this.#state === 'Stopped') return
    this.#state = 'Stopped'
    this.#abort.abort()
    for (const held of this.#held.splice(0)) {
      this.#append(held.items, held.offset, held.items.length)
      void this.#accepted().then(held.resolve)
    }
    this.#heldCount = 0
    this.cutBlock()
    await Promise.all([this.#timer, this.#pump, this.#logging])
  }

  /** What `store` returns: resolved at once, or with a write-ahead log once the block being built is logged. */
  #accepted(): Promise<void> {
    if (this.#options.logBlock === undefined) return ACCEPTED
    this.#building ??= signal()
    return this.#building.promise
  }

  /**
   * Writes the cut blocks to the write-ahead log in order, each one counting
   * as received once it is durable. A failed write is reported and tried
   * again after a block interval, the block and those behind it waiting in
   * memory; once the generator is stopping, a block that cannot be logged
   * is handed to the last batches unlogged rather than dropped.
   */
  async #logBlocks(logBlock: (block: Block) => Promise<WalPosition>): Promise<void> {
    while (this.#unlogged.length > 0) {
      const head = this.#unlogged[0] as Unlogged
      const { block } = head
      try {
        const position = await logBlock(block)
        this.#blocks.push({ ...block, position })
      } catch (error) {
        const what = `a block of ${block.numRecords} records from ${this.#options.source}`
        if (this.#state !== 'Stopped') {
          this.#options.reportError(`Cannot write ${what} to the write-ahead log; trying again in ${this.#options.blockIntervalMs} ms, the records wait in memory`, error)
          await new Promise((wake) => setTimeout(wake, this.#options.blockIntervalMs))
          continue
        }
        this.#options.reportError(`Cannot write ${what} to the write-ahead log while stopping; the last batch processes it unlogged, so a crash before that batch completes loses it`, error)
        this.#blocks.push(block)
      }
      this.#unlogged.shift()
      head.logged?.resolve()
    }
    this.#logging = null
  }

  #append(items: readonly T[], from: number, to: number): void {
    // A loop rather than push(...items): spreading a large array overflows the call stack.
    const buffer = this.#buffer
    for (let i = from; i < to; i++) buffer.push(items[i] as T)
    this.#received += to - from
  }

  /** Lets in the held records the rate allows at the clock's current time. */
  #admitDue(): void {
    if (this.#limiter === null || this.#held.length === 0) return
    let allowance = this.#limiter.available(this.#options.clock.getTimeMillis())
    while (allowance > 0 && this.#held.length > 0) {
      const head = this.#held[0] as Held<T>
      const count = Math.min(allowance, head.items.length - head.offset)
      this.#append(head.items, head.offset, head.offset + count)
      this.#limiter.take(count)
      head.offset += count
      this.#heldCount -= count
      allowance -= count
      if (head.offset === head.items.length) {
        this.#held.shift()
        void this.#accepted().then(head.resolve)
      }
    }
  }

  async #runTimer(): Promise<void> {
    const { clock, blockIntervalMs } = this.#options
    const signal = this.#abort.signal
    // Block times are multiples of the interval, as Spark's RecurringTimer; ticks missed by a jumping clock are skipped.
    const nextTick = (): number => (Math.floor(clock.getTimeMillis() / blockIntervalMs) + 1) * blockIntervalMs
    let next = nextTick()
    while (!signal.aborted) {
      await clock.waitTill(next, signal)
      if (signal.aborted) return
      this.cutBlock()
      next = nextTick()
    }
  }

  async #runPump(): Promise<void> {
    const { clock } = this.#options
    const signal = this.#abort.signal
    const limiter = this.#limiter as RateLimiter
    try {
      while (this.#held.length > 0 && !signal.aborted) {
        const now = clock.getTimeMillis()
        await clock.waitTill(now + limiter.millisUntilAvailable(now), signal)
        this.#admitDue()
      }
    } finally {
      this.#pump = null
    }
  }

  #encode(items: T[]): Block | null {
    try {
      return { format: 'records', bytes: encodeShared(items, `records stored by ${this.#options.source}`), numRecords: items.length }
    } catch (error) {
      // Keep every record that can be shipped; report the others rather than losing the whole block.
      const shippable = items.filter((item) => findUnshippable(item) === null)
      const dropped = items.length - shippable.length
      this.#options.reportError(
        `Dropped ${dropped === 0 ? items.length : dropped} of ${items.length} records stored by ${this.#options.source}: they cannot be shipped to workers ` +
          `(${error instanceof Error ? error.message : formatError(error)}); store plain data (strings, numbers, arrays, plain objects)`,
        error,
      )
      if (dropped === 0 || shippable.length === 0) return null
      return this.#encode(shippable)
    }
  }
}

/**
 * A token bucket on the driver's clock: `ratePerSecond` tokens a second, up
 * to one second's worth (Guava's SmoothBursty, which Spark's receivers
 * use), starting empty. So by any time t after `reset(t0)` at most
 * `ratePerSecond · (t − t0) / 1000` records have been let in.
 */
class RateLimiter {
  readonly #ratePerMs: number
  readonly #capacity: number
  #tokens = 0
  #lastMs = 0

  constructor(ratePerSecond: number) {
    this.#ratePerMs = ratePerSecond / 1000
    this.#capacity = Math.max(1, ratePerSecond)
  }

  reset(nowMs: number): void {
    this.#tokens = 0
    this.#lastMs = nowMs
  }

  available(nowMs: number): number {
    this.#refill(nowMs)
    return Math.floor(this.#tokens)
  }

  take(count: number): void {
    this.#tokens -= count
  }

  millisUntilAvailable(nowMs: number): number {
    this.#refill(nowMs)
    return this.#tokens >= 1 ? 0 : Math.ceil((1 - this.#tokens) / this.#ratePerMs)
  }

  #refill(nowMs: number): void {
    if (nowMs <= this.#lastMs) return
    this.#tokens = Math.min(this.#capacity, this.#tokens + (nowMs - this.#lastMs) * this.#ratePerMs)
    this.#lastMs = nowMs
  }
}
