import { Piscina } from 'piscina'

import type { TaskDescription, TaskResult } from '../rdd/plan.js'

const WORKER_ENTRY = new URL('../../workers/load-task-worker.mjs', import.meta.url).href

export interface WorkerPoolOptions {
  readonly threads: number
  /** Heap limit per worker (spark.executor.memory); a worker that exceeds it dies and is replaced, its task retried. */
  readonly maxHeapMb: number | null
}

interface Pending {
  readonly task: TaskDescription
  readonly executor: number | null
  readonly signal: AbortSignal | undefined
  readonly resolve: (result: TaskResult) => void
  readonly reject: (error: unknown) => void
}

/**
 * The executor backend: a fixed set of executors, each one worker thread,
 * that run tasks. A task may ask for a particular executor (where the
 * keyed state of its partition lives, for mapWithState); other tasks go to
 * whichever executor is free first. A task's promise rejects only when its
 * worker died (process.exit, out of memory); a function that throws comes
 * back as a `failed` result. Dead workers are replaced, and idle workers
 * do not keep the process alive.
 */
export class WorkerPool {
  readonly #executors: Piscina<TaskDescription, TaskResult>[]
  readonly #busy: boolean[]
  readonly #pending: Pending[] = []
  readonly #maxHeapMb: number | null
  #closed = false
  readonly threads: number

  constructor(options: WorkerPoolOptions) {
    if (!Number.isInteger(options.threads) || options.threads < 1) {
      throw new RangeError(`threads must be a positive integer, got ${options.threads}`)
    }
    this.threads = options.threads
    this.#maxHeapMb = options.maxHeapMb
    this.#busy = Array.from({ length: options.threads }, () => false)
    this.#executors = Array.from({ length: options.threads }, () =>
      new Piscina<TaskDescription, TaskResult>({
        filename: WORKER_ENTRY,
        minThreads: 1,
        maxThreads: 1,
        // Workers keep compiled functions, broadcast values and keyed state; never retire them for idleness.
        idleTimeout: Number.MAX_SAFE_INTEGER,
        concurrentTasksPerWorker: 1,
        ...(options.maxHeapMb === null ? {} : { resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb } }),
      }),
    )
  }

  /** Set as soon as `close()` is called: a task that fails from then on failed because the pool was shut down. */
  get isClosed(): boolean {
    return this.#closed
  }

  /** Runs `task`, on executor `executor % threads` when one is asked for, else on the first free one. */
  run(task: TaskDescription, signal?: AbortSignal, executor: number | null = null): Promise<TaskResult> {
    if (signal?.aborted === true) return Promise.reject(signal.reason)
    return new Promise((resolve, reject) => {
      this.#pending.push({ task, executor: executor === null ? null : executor % this.threads, signal, resolve, reject })
      this.#dispatch()
    })
  }

  async close(): Promise<void> {
    this.#closed = true
    await Promise.all(this.#executors.map((executor) => executor.destroy()))
    for (const pending of this.#pending.splice(0)) pending.reject(new Error('the worker pool was closed'))
  }

  /** Starts queued tasks on free executors, oldest first; a task that asked for a busy executor waits for it. */
  #dispatch(): void {
    for (let index = 0; index < this.#pending.length; ) {
      const pending = this.#pending[index] as Pending
      if (pending.signal?.aborted === true) {
        this.#pending.splice(index, 1)
        pending.reject(pending.signal.reason)
        continue
      }
      const executor = pending.executor ?? this.#busy.indexOf(false)
      if (executor === -1 || this.#busy[executor] === true) {
        index++
        continue
      }
      this.#pending.splice(index, 1)
      this.#start(executor, pending)
    }
  }

  #start(executor: number, pending: Pending): void {
    this.#busy[executor] = true
    ;(this.#executors[executor] as Piscina<TaskDescription, TaskResult>)
      .run(pending.task)
      .then(pending.resolve, (error: unknown) => pending.reject(this.#explainOutOfMemory(error)))
      .finally(() => {
        this.#busy[executor] = false
        this.#dispatch()
      })
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
