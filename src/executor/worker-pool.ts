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
  readonly threads: number

  constructor(options: WorkerPoolOptions) {
    if (!Number.isInteger(options.threads) || options.threads < 1) {
      throw new RangeError(`threads must be a positive integer, got ${options.threads}`)
    }
    this.threads = options.threads
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

  run(task: TaskDescription, signal?: AbortSignal): Promise<TaskResult> {
    return this.#pool.run(task, signal === undefined ? {} : { signal })
  }

  async close(): Promise<void> {
    await this.#pool.destroy()
  }
}
