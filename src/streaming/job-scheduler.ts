import { formatError } from '../common/format-error.js'
import { logger } from '../common/logger.js'
import type { Clock } from '../common/clock.js'
import type { Time } from '../common/time.js'
import type { Job } from './dstream/internal.js'
import type { BatchInfo, OutputOperationInfo, StreamingListenerBus } from './listener.js'

interface JobSet {
  readonly time: Time
  readonly jobs: readonly Job[]
  info: BatchInfo
}

/**
 * Spark's JobScheduler: runs each batch's output operations in order, one
 * batch at a time and batches in time order, and reports each batch and
 * output operation to the listeners. A failing output operation is
 * reported (with its stack as the failure reason) and the next ones and
 * next batches still run, as in Spark.
 */
export class JobScheduler {
  readonly #clock: Clock
  readonly #listeners: StreamingListenerBus
  readonly #reportError: (message: string, error: unknown) => void
  readonly #onBatchCompleted: (time: Time) => Promise<void>
  readonly #onProgress: () => void
  readonly #queue: JobSet[] = []
  #running: Promise<void> | null = null
  #acceptingBatches = true

  constructor(clock: Clock, listeners: StreamingListenerBus, reportError: (message: string, error: unknown) => void, onBatchCompleted: (time: Time) => Promise<void>, onProgress: () => void) {
    this.#clock = clock
    this.#listeners = listeners
    this.#reportError = reportError
    this.#onBatchCompleted = onBatchCompleted
    this.#onProgress = onProgress
  }

  /** Batches queued or running, oldest first. */
  get pendingBatchTimes(): number[] {
    return this.#queue.map((jobSet) => jobSet.time.milliseconds)
  }

  submitJobSet(time: Time, jobs: readonly Job[], numRecords: number): void {
    if (!this.#acceptingBatches) return
    const outputOperationInfos = new Map<number, OutputOperationInfo>(
      jobs.map((job) => [job.outputOpId, { batchTime: time, id: job.outputOpId, name: job.name, description: job.description, startTime: null, endTime: null, failureReason: null }]),
    )
    const info: BatchInfo = {
      batchTime: time,
      numRecords,
      submissionTime: this.#clock.getTimeMillis(),
      processingStartTime: null,
      processingEndTime: null,
      schedulingDelay: null,
      processingDelay: null,
      totalDelay: null,
      outputOperationInfos,
    }
    this.#queue.push({ time, jobs, info })
    // As in Spark, a batch with no output job (a window between its slides) posts no events; it is still
    // queued, so that forgetting its old RDDs happens in batch order.
    if (jobs.length > 0) this.#listeners.post({ kind: 'onBatchSubmitted', payload: { batchInfo: info } })
    this.#running ??= this.#drain()
  }

  /** Resolves when every queued batch has run. */
  async whenIdle(): Promise<void> {
    while (this.#running !== null) await this.#running
  }

  /** Drops the batches not yet started (a stop that is not graceful) and waits for the running one. */
  async stopNow(): Promise<void> {
    this.#acceptingBatches = false
    this.#queue.splice(1)
    await this.whenIdle()
  }

  async stopGracefully(): Promise<void> {
    await this.whenIdle()
    this.#acceptingBatches = false
  }

  async #drain(): Promise<void> {
    try {
      for (let jobSet = this.#queue[0]; jobSet !== undefined; jobSet = this.#queue[0]) {
        await this.#runJobSet(jobSet)
        // Before the next batch: its checkpoint must see the state this batch left.
        await this.#onBatchCompleted(jobSet.time)
        this.#queue.shift()
        this.#onProgress()
      }
    } finally {
      this.#running = null
    }
  }

  async #runJobSet(jobSet: JobSet): Promise<void> {
    if (jobSet.jobs.length === 0) return
    const start = this.#clock.getTimeMillis()
    jobSet.info = { ...jobSet.info, processingStartTime: start, schedulingDelay: start - jobSet.info.submissionTime }
    this.#listeners.post({ kind: 'onBatchStarted', payload: { batchInfo: jobSet.info } })
    const outputs = new Map(jobSet.info.outputOperationInfos)
    for (const job of jobSet.jobs) {
      const started: OutputOperationInfo = { ...(outputs.get(job.outputOpId) as OutputOperationInfo), startTime: this.#clock.getTimeMillis() }
      this.#listeners.post({ kind: 'onOutputOperationStarted', payload: { outputOperationInfo: started } })
      let failureReason: string | null = null
      try {
        await job.run()
      } catch (error) {
        failureReason = formatError(error)
        this.#reportError(`Error running job ${job.name} (output operation ${job.outputOpId}) of batch ${job.time}`, error)
      }
      const completed: OutputOperationInfo = { ...started, endTime: this.#clock.getTimeMillis(), failureReason }
      outputs.set(job.outputOpId, completed)
      this.#listeners.post({ kind: 'onOutputOperationCompleted', payload: { outputOperationInfo: completed } })
    }
    const end = this.#clock.getTimeMillis()
    const processingDelay = end - start
    jobSet.info = { ...jobSet.info, outputOperationInfos: outputs, processingEndTime: end, processingDelay, totalDelay: (jobSet.info.schedulingDelay ?? 0) + processingDelay }
    logger.info('JobScheduler', `Finished jobs for time ${jobSet.time}; total delay ${jobSet.info.totalDelay} ms`)
    this.#listeners.post({ kind: 'onBatchCompleted', payload: { batchInfo: jobSet.info } })
  }
}
