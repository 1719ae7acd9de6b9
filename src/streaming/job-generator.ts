import type { Clock } from '../common/clock.js'
import { type Duration, Time } from '../common/time.js'

/**
 * Spark's JobGenerator with its RecurringTimer: waits on the clock for each
 * batch time in turn and generates that batch. Batch times are never
 * skipped: if the clock jumps several intervals (a ManualClock, or a driver
 * that was busy), the missed batches are generated in order.
 */
export class JobGenerator {
  readonly #clock: Clock
  readonly #batchMs: number
  readonly #generate: (time: Time) => void
  readonly #abort = new AbortController()
  #nextTimeMs = Number.POSITIVE_INFINITY
  #loop: Promise<void> | null = null

  constructor(clock: Clock, batchDuration: Duration, generate: (time: Time) => void) {
    this.#clock = clock
    this.#batchMs = batchDuration.milliseconds
    this.#generate = generate
  }

  /** The first batch time: the first multiple of the batch duration strictly after the clock's time. */
  firstBatchTime(): Time {
    return new Time((Math.floor(this.#clock.getTimeMillis() / this.#batchMs) + 1) * this.#batchMs)
  }

  start(first: Time): void {
    this.#nextTimeMs = first.milliseconds
    this.#loop = this.#run()
  }

  /** The time of the next batch to be generated. */
  get nextBatchTimeMs(): number {
    return this.#nextTimeMs
  }

  /** Generates the next batch now, without waiting for the clock (a graceful stop's last batch). */
  generateNext(): void {
    const time = new Time(this.#nextTimeMs)
    this.#nextTimeMs += this.#batchMs
    this.#generate(time)
  }

  async stop(): Promise<void> {
    this.#abort.abort()
    await this.#loop
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal
    while (!signal.aborted) {
      await this.#clock.waitTill(this.#nextTimeMs, signal)
      if (signal.aborted) return
      this.generateNext()
    }
  }
}
