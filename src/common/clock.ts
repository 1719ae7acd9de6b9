/**
 * Where the streaming scheduler reads the time and waits for it. The
 * system clock by default; `ManualClock` lets tests move time by hand.
 */
export interface Clock {
  getTimeMillis(): number
  /** Resolves once the clock has reached `targetMs` (or `signal` aborts). */
  waitTill(targetMs: number, signal: AbortSignal): Promise<void>
}

export class SystemClock implements Clock {
  getTimeMillis(): number {
    return Date.now()
  }

  waitTill(targetMs: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve()
      const timer = setTimeout(done, Math.max(0, targetMs - Date.now()))
      signal.addEventListener('abort', done, { once: true })
      function done(): void {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        resolve()
      }
    })
  }
}

/** What `ManualClock.advance` waits on: the streaming scheduler's progress. */
export interface BatchProgress {
  /** Resolves when every batch due at or before `timeMs` has completed; rejects with the error of a batch that failed since the last call. */
  settled(timeMs: number): Promise<void>
}

/**
 * A clock that moves only when told, for tests: batches are generated as
 * the time passes their batch times, and `advance` resolves once those
 * batches have run all their output operations.
 *
 * @example
 * const clock = new ManualClock()
 * const ssc = new StreamingContext(sc, Seconds(1), { clock })
 * await ssc.start()
 * await clock.advance(Seconds(1))   // the batch at 1000 ms has run
 */
export class ManualClock implements Clock {
  #time: number
  #waiters: { readonly targetMs: number; readonly resolve: () => void }[] = []
  #progress: BatchProgress | null = null

  constructor(startMs = 0) {
    this.#time = startMs
  }

  getTimeMillis(): number {
    return this.#time
  }

  /** Moves the clock to `timeMs` without waiting for the batches it makes due. */
  setTime(timeMs: number): void {
    this.#time = timeMs
    const due = this.#waiters.filter((waiter) => waiter.targetMs <= timeMs)
    this.#waiters = this.#waiters.filter((waiter) => waiter.targetMs > timeMs)
    for (const waiter of due) waiter.resolve()
  }

  /** Moves the clock forward and resolves once every batch due by the new time has completed. */
  async advance(duration: { readonly milliseconds: number } | number): Promise<void> {
    const step = typeof duration === 'number' ? duration : duration.milliseconds
    this.setTime(this.#time + step)
    await this.#progress?.settled(this.#time)
  }

  waitTill(targetMs: number, signal: AbortSignal): Promise<void> {
    if (targetMs <= this.#time || signal.aborted) return Promise.resolve()
    return new Promise((resolve) => {
      // The job generator waits on one signal for its whole life: a wait that ends must drop its listener.
      const onAbort = (): void => {
        this.#waiters = this.#waiters.filter((other) => other !== waiter)
        resolve()
      }
      const waiter = {
        targetMs,
        resolve: () => {
          signal.removeEventListener('abort', onAbort)
          resolve()
        },
      }
      this.#waiters.push(waiter)
      signal.addEventListener('abort', onAbort, { once: true })
    })
  }

  /** Connects the streaming context whose batches `advance` waits for. */
  observe(progress: BatchProgress | null): void {
    this.#progress = progress
  }
}
