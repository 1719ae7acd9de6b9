import { referencedBroadcastIds } from '../closure/ship.js'
import { broadcastBytes } from '../closure/broadcast.js'
import type { ShippedFunction } from '../closure/shipped-function.js'
import { TaskFailedError } from '../common/errors.js'
import { logger } from '../common/logger.js'
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
}

type Success = Extract<TaskResult, { kind: 'done' }>

let nextTaskId = 0

/**
 * Spark's TaskSetManager: runs the tasks of one stage on the pool, retries
 * a task that failed (its function threw, or its worker died) until it has
 * been attempted `maxFailures` times, and then fails the stage with a
 * TaskFailedError carrying the worker's own message and stack. Tasks not
 * yet started are cancelled once the stage has failed.
 */
export class TaskSetManager {
  readonly #pool: WorkerPool
  readonly #maxFailures: number

  constructor(pool: WorkerPool, maxFailures: number) {
    this.#pool = pool
    this.#maxFailures = maxFailures
  }

  async run(stage: StageRun): Promise<Success[]> {
    const abort = new AbortController()
    try {
      return await Promise.all(stage.partitions.map((partition) => this.#runTask(stage, partition, abort.signal)))
    } finally {
      abort.abort()
    }
  }

  async #runTask(stage: StageRun, partition: number, signal: AbortSignal): Promise<Success> {
    const plan = stage.plan(partition)
    const broadcasts = broadcastsOf(plan, stage.output)
    let lastFailure = { name: 'Error', message: '', stack: '' }
    for (let attempt = 0; attempt < this.#maxFailures; attempt++) {
      const taskId = nextTaskId++
      const task: TaskDescription = { jobId: stage.jobId, stageId: stage.stageId, partition, attempt, plan, output: stage.output, broadcasts }
      let result: TaskResult
      try {
        result = await this.#pool.run(task, signal)
      } catch (error) {
        if (signal.aborted) throw error
        // The worker thread died (process.exit, out of memory); the pool has replaced it.
        const reason = error instanceof Error ? error : new Error(String(error))
        result = { kind: 'failed', name: 'WorkerDied', message: `worker thread died while running the task: ${reason.message}`, stack: reason.stack ?? reason.message }
      }
      if (result.kind === 'done') return result
      lastFailure = result
      logger.warn('TaskSetManager', `Lost task ${partition}.${attempt} in stage ${stage.stageId} (TID ${taskId}) (partition ${partition}): ${result.name}: ${result.message}`)
    }
    logger.error('TaskSetManager', `Task ${partition} in stage ${stage.stageId} failed ${this.#maxFailures} times; aborting job`)
    throw new TaskFailedError(
      `Job ${stage.jobId} aborted: task for partition ${partition} of stage ${stage.stageId} (${stage.description}) failed ${this.#maxFailures} times ` +
        `(spark.task.maxFailures); most recent failure: ${lastFailure.stack}`,
      stage.stageId,
      partition,
      this.#maxFailures,
      lastFailure.message,
      lastFailure.stack,
    )
  }
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
