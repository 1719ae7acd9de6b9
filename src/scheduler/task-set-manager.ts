import assert from 'node:assert'

import { referencedBroadcastIds } from '../closure/ship.js'
import { broadcastBytes } from '../closure/broadcast.js'
import type { ShippedFunction } from '../closure/shipped-function.js'
import { IllegalStateError, TaskFailedError } from '../common/errors.js'
import { logger } from '../common/logger.js'
import type { ConsoleProgressBar } from './console-progress-bar.js'
import type { WorkerPool } from '../executor/worker-pool.js'
import type { PlanNode, TaskDescription, TaskOutput, TaskResult } from '../rdd/plan.js'

export interface StageRun {
  readonly jobId: number
  readonly stageId: number
  /** What the stage computes, for messages: `ShuffledRDD[4] at reduceByKey at word-count.ts:12`. */
  readonly description: string
  readonly partitions: readonly number[]
  readonly plan: (partition: number) => PlanNode
  readonly output: TaskOutput
  /** The executor a partition's task must run on (where its keyed state lives), or null for any. */
  readonly preferredExecutor: (partition: number) => number | null
  /** Called with each successful task's result as it arrives, even if the stage fails later (accumulators, cached blocks). */
  readonly onTaskSuccess: (result: Success) => void
}

export type Success = Extract<TaskResult, { kind: 'done' }>
type Failure = Omit<Extract<TaskResult, { kind: 'failed' }>, 'kind'>
/** A lost attempt: what the worker reported, and the error kept as the TaskFailedError's `cause`. */
interface Lost {
  readonly kind: 'lost'
  readonly failure: Failure
  readonly cause: Error
}

let nextTaskId = 0

/**
 * Spark's TaskSetManager: runs the tasks of one stage on the pool, retries
 * a task that failed (its function threw, or its worker died) until it has
 * been attempted `maxFailures` times, and then fails the stage with a
 * TaskFailedError carrying the worker's own message and stack. A task
 * whose data cannot be shipped between threads fails the stage at once, as
 * a retry would fail the same way. Tasks not yet started are cancelled once
 * the stage has failed; all of them fail when the pool is shut down.
 */
export class TaskSetManager {
  readonly #pool: WorkerPool
  readonly #maxFailures: number
  readonly #progress: ConsoleProgressBar | null

  constructor(pool: WorkerPool, maxFailures: number, progress: ConsoleProgressBar | null = null) {
    assert(Number.isInteger(maxFailures) && maxFailures >= 1, `maxFailures is a positive integer, got ${maxFailures}`)
    this.#pool = pool
    this.#maxFailures = maxFailures
    this.#progress = progress
  }

  async run(stage: StageRun): Promise<Success[]> {
    const abort = new AbortController()
    this.#progress?.stageStarted(stage.stageId, stage.partitions.length)
    try {
      return await Promise.all(stage.partitions.map((partition) => this.#runTask(stage, partition, abort.signal)))
    } finally {
      abort.abort()
      this.#progress?.stageFinished(stage.stageId)
    }
  }

  async #runTask(stage: StageRun, partition: number, signal: AbortSignal): Promise<Success> {
    const plan = stage.plan(partition)
    const broadcasts = broadcastsOf(plan, stage.output)
    let lost: Lost | null = null
    let attempts = 0
    while (attempts < this.#maxFailures) {
      const attempt = attempts++
      const taskId = nextTaskId++
      const task: TaskDescription = { jobId: stage.jobId, stageId: stage.stageId, partition, attempt, plan, output: stage.output, broadcasts }
      const outcome = await this.#attempt(task, stage.jobId, signal, stage.preferredExecutor(partition))
      if (outcome.kind === 'done') {
        this.#progress?.taskCompleted(stage.stageId)
        stage.onTaskSuccess(outcome)
        return outcome
      }
      lost = outcome
      logger.warn('TaskSetManager', `Lost task ${partition}.${attempt} in stage ${stage.stageId} (TID ${taskId}) (partition ${partition}): ${lost.failure.name}: ${lost.failure.message}`)
      // As in Spark's TaskSetManager: data that cannot be shipped cannot be shipped on a retry either.
      if (!isRetryable(lost.failure)) break
    }
    assert(lost !== null, 'spark.task.maxFailures is at least 1, so a failed task was attempted')
    return this.#abort(stage, partition, attempts, lost)
  }

  /** One attempt: the task's result, or why it was lost, with the error to keep as `cause`. */
  async #attempt(task: TaskDescription, jobId: number, signal: AbortSignal, executor: number | null): Promise<Success | Lost> {
    let result: TaskResult
    try {
      result = await this.#pool.run(task, signal, executor)
    } catch (error) {
      if (signal.aborted) throw error
      const reason = error instanceof Error ? error : new Error(String(error))
      // As Spark's DAGScheduler does on SparkContext.stop(): running jobs fail at once, without retries.
      if (this.#pool.isClosed) throw new IllegalStateError(`Job ${jobId} cancelled because SparkContext was shut down`, { cause: reason })
      // The worker thread died (process.exit, out of memory); the pool has replaced it.
      const message = `worker thread died while running the task: ${reason.message}`
      return { kind: 'lost', failure: { name: 'WorkerDied', message, stack: reason.stack ?? reason.message }, cause: reason }
    }
    return result.kind === 'done' ? result : { kind: 'lost', failure: result, cause: workerError(result) }
  }

  #abort(stage: StageRun, partition: number, attempts: number, lost: Lost): never {
    const retryable = isRetryable(lost.failure)
    logger.error(
      'TaskSetManager',
      retryable
        ? `Task ${partition} in stage ${stage.stageId} failed ${attempts} times; aborting job`
        : `Task ${partition} in stage ${stage.stageId} had data that cannot be shipped between threads; not retrying`,
    )
    throw new TaskFailedError(
      `Job ${stage.jobId} aborted: task for partition ${partition} of stage ${stage.stageId} (${stage.description}) ` +
        (retryable ? `failed ${attempts} times (spark.task.maxFailures)` : 'failed with a NotSerializableError, which retrying cannot fix') +
        `; most recent failure: ${lost.failure.stack}`,
      stage.stageId,
      partition,
      attempts,
      lost.failure.message,
      lost.failure.stack,
      lost.cause,
    )
  }
}

function isRetryable(failure: Failure): boolean {
  return failure.name !== 'NotSerializableError'
}

/** The user's error as the worker reported it, rebuilt on the driver to be a TaskFailedError's `cause`. */
function workerError(failure: Failure): Error {
  const error = new Error(failure.message)
  error.name = failure.name
  error.stack = failure.stack
  return error
}

/** The encoded broadcast values the task's functions read, so a worker can decode each once. */
function broadcastsOf(plan: PlanNode, output: TaskOutput): Map<number, Uint8Array> {
  const ids = new Set<number>()
  for (const fn of functionsOf(plan, output)) referencedBroadcastIds(fn, ids)
  return new Map([...ids].map((id) => [id, broadcastBytes(id)]))
}

function* functionsOf(plan: PlanNode, output: TaskOutput): Generator<ShippedFunction> {
  yield* planFunctions(plan)
  switch (output.kind) {
    case 'fold':
    case 'foreach':
    case 'foreachPartition':
      yield output.fn
      break
    case 'takeOrdered':
      if (output.compare !== null) yield output.compare
      break
    case 'shuffleWrite':
      if (output.combine !== null) yield* Object.values(output.combine)
      break
  }
}

function* planFunctions(node: PlanNode): Generator<ShippedFunction> {
  switch (node.kind) {
    case 'narrow':
      if ('fn' in node.op) yield node.op.fn
      if (node.op.kind === 'combineByKey') yield* Object.values(node.op.aggregate.aggregator)
      yield* planFunctions(node.input)
      return
    case 'concat':
    case 'cogroup':
      for (const input of node.inputs) yield* planFunctions(input)
      return
    case 'cartesian':
      yield* planFunctions(node.left)
      yield* planFunctions(node.right)
      return
    case 'shuffleRead':
      if (node.aggregate !== null) yield* Object.values(node.aggregate.aggregator)
      return
    case 'cache':
      yield* planFunctions(node.input)
      return
    default:
      return
  }
}
