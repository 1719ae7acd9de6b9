/**
 * Runs asynchronous tasks one at a time, in the order they were queued:
 * the single writer thread of Spark's `CheckpointWriter`, on the event loop.
 * A failed task rejects its own promise and does not stop the ones after it.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve()
  #queued = 0

  /** Tasks queued or running. */
  get size(): number {
    return this.#queued
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    this.#queued++
    const result = this.#tail.then(task).finally(() => {
      this.#queued--
    })
    this.#tail = result.catch(() => undefined)
    return result
  }

  /** Resolves once every task queued so far has settled. */
  async idle(): Promise<void> {
    await this.#tail
  }
}
