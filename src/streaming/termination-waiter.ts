/**
 * Spark's ContextWaiter: what `awaitTermination` waits on. The latest
 * reported error is kept, so every later wait rejects with it too.
 */
export class TerminationWaiter {
  #stopped = false
  #error: { readonly value: unknown } | null = null
  readonly #waiters: (() => void)[] = []

  notifyStop(): void {
    this.#stopped = true
    this.#wakeAll()
  }

  notifyError(error: unknown): void {
    this.#error = { value: error }
    this.#wakeAll()
  }

  /** Resolves true when stopped, false when `timeoutMs` of wall-clock time passes first (null: no timeout); rejects with a reported error. */
  async wait(timeoutMs: number | null): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined
    const timedOut = timeoutMs === null ? null : new Promise<'timeout'>((done) => (timer = setTimeout(() => done('timeout'), timeoutMs)))
    try {
      for (;;) {
        if (this.#error !== null) throw this.#error.value
        if (this.#stopped) return true
        const woken = new Promise<'woken'>((wake) => this.#waiters.push(() => wake('woken')))
        if ((await (timedOut === null ? woken : Promise.race([woken, timedOut]))) === 'timeout') return false
      }
    } finally {
      clearTimeout(timer)
    }
  }

  #wakeAll(): void {
    for (const wake of this.#waiters.splice(0)) wake()
  }
}
