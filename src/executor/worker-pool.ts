import { Piscina } from 'piscina'

import type { TaskDescription, TaskResult } from '../rdd/plan.js'

const WORKER_ENTRY = new URL('../../workers/load-task-worker.mjs', import.meta.url).href

export interface WorkerPoolOptions {
  readonly threads: number
  /** Heap limit per worker (spark.executor.memory); a worker that exceeds it dies and is replaced, its task retried. */
  readonly maxHeapMb: number | null
}

/**
 * The executor backend: a fixed pool of worker threads that run tasks.
 * A task's promise rejects only when its worker died (process.exit, out of
 * memory); a function that throws comes back as a `failed` result. The pool
 * replaces dead workers, and idle workers do not keep the process alive.
 */
export class WorkerPool {
  readonly #pool: Piscina<TaskDescription, TaskResult>
  readonly #maxHeapMb: number | null
  #closed = false
  readonly threads: number

  constructor(options: WorkerPoolOptions) {
    if (!Number.isInteger(options.threads) || options.threads < 1) {
      throw new RangeError(`threads must be a positive integer, got ${options.threads}`)
    }
    this.threads = options.threads
    this.#maxHeapMb = options.maxHeapMb
    this.#pool = new Piscina<TaskDescription, TaskResult>({
      filename: WORKER_ENTRY,
      minThreads: options.threads,
      maxThreads: options.threads,
      // Workers keep compiled functions and broadcast values; never retire them for idleness.
      idleTimeout: Number.MAX_SAFE_INTEGER,
      concurrentTasksPerWorker: 1,
      ...(options.maxHeapMb === null ? {} : { resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb } }),
    })
  }

  /** Set as soon as `close()` is called: a task that fails from then on failed because the pool was shut down. */
  get isClosed(): boolean {
    return this.#closed
  }

  async run(task: TaskDescription, signal?: AbortSignal): Promise<TaskResult> {
    try {
      return await this.#pool.run(task, signal === undefined ? {} : { signal })
    } catch (error) {
      throw this.#explainOutOfMemory(error)
    }
  }

  async close(): Promise<void> {
    this.#closed = true
    await this.#pool.destroy()
  }

  /** Node's message names no setting; say which limit the worker hit and how to raise it. */
  #explainOutOfMemory(error: unknown): unknown {
    if (!(error instanceof Error) || (error as NodeJS.ErrnoException).code !== 'ERR_WORKER_OUT_OF_MEMORY') return error
    const limit = this.#maxHeapMb === null ? "Node's default heap limit" : `its heap limit of ${this.#maxHeapMb} MB (spark.executor.memory)`
    return new Error(
      `worker ran out of memory at ${limit} (${error.message}); raise spark.executor.memory, or make the task hold less data at once`,
      { cause: error },
    )
  }
}
