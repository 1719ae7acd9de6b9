import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'

import { type BatchProgress, type Clock, ManualClock, SystemClock } from '../common/clock.js'
import { CheckpointError, IllegalStateError } from '../common/errors.js'
import { formatError } from '../common/format-error.js'
import { logger } from '../common/logger.js'
import { SparkConf } from '../common/spark-conf.js'
import { type Duration, type DurationLike, Time, toDuration } from '../common/time.js'
import type { RDD } from '../rdd/index.js'
import { CheckpointStore, type RestoredCheckpoint } from '../recovery/index.js'
import { isReplayableInput } from './checkpoint-hooks.js'
import { type BatchInputs, StreamCheckpointer, type StreamProgress, checkpointedStreams } from './stream-checkpointer.js'
import { type Receiver, type SocketConverter, socketLines, type SocketStreamOptions, type SocketTextStreamOptions } from '../receiver/index.js'
import { SparkContext } from '../spark-context.js'
import { DStreamGraph } from './dstream-graph.js'
import {
  type DStream,
  FileInputDStream,
  type FileStreamOptions,
  type InputDStream,
  QueueInputDStream,
  ReceiverInputDStream,
  SocketInputDStream,
  TransformedDStream,
  UnionDStream,
} from './dstream/internal.js'
import { JobGenerator } from './job-generator.js'
import { JobScheduler } from './job-scheduler.js'
import { type StreamingListener, StreamingListenerBus } from './listener.js'
import { TerminationWaiter } from './termination-waiter.js'

export type StreamingContextState = 'INITIALIZED' | 'ACTIVE' | 'STOPPED'

export interface StreamingContextOptions {
  /** The clock batches are timed by; a ManualClock for tests. */
  readonly clock?: Clock
}

/**
 * The entry point of a streaming application, as in Spark: it slices input
 * into batches every `batchDuration`, and at each batch time runs the
 * output operations of the streams defined on it. Streams are defined
 * before `start()`; one StreamingContext is active per process.
 *
 * @example
 * const ssc = new StreamingContext(sc, Seconds(1))
 * ssc.socketTextStream('localhost', 9999).flatMap((l) => l.split(' ')).count().print()
 * await ssc.start()
 * await ssc.awaitTerminationOrTimeout(60_000)
 * await ssc.stop(false)
 */
export class StreamingContext {
  static #active: StreamingContext | null = null

  readonly sparkContext: SparkContext
  readonly graph: DStreamGraph
  readonly #clock: Clock
  readonly #listeners = new StreamingListenerBus()
  readonly #waiter = new TerminationWaiter()
  readonly #generator: JobGenerator
  readonly #scheduler: JobScheduler
  readonly #inputRecords = new Map<number, number>()
  readonly #progressWaiters: (() => void)[] = []
  #failuresSinceSettle: unknown[] = []
  #state: StreamingContextState = 'INITIALIZED'
  #checkpointDirectory: string | null = null
  #shutdownHook: (() => void) | null = null
  #stopping: Promise<void> | null = null
  #store: CheckpointStore | null = null
  #checkpointer: StreamCheckpointer | null = null
  #recovered: { readonly checkpoint: RestoredCheckpoint; readonly store: CheckpointStore } | null = null
  /** Made by getOrCreate: inputs pick up what an earlier run left (a receiver's logged blocks), checkpoint or not. */
  #resuming = false

  constructor(sparkContextOrConf: SparkContext | SparkConf, batchDuration: DurationLike, options: StreamingContextOptions = {}) {
    const duration = toDuration(batchDuration, 'batchDuration')
    if (duration.milliseconds <= 0) throw new RangeError(`batchDuration must be a positive number of milliseconds, got ${duration.milliseconds}`)
    this.sparkContext = sparkContextOrConf instanceof SparkConf ? SparkContext.getOrCreate(sparkContextOrConf) : sparkContextOrConf
    if (this.sparkContext.isStopped) throw new IllegalStateError('Cannot create a StreamingContext on a stopped SparkContext; create a new SparkContext first')
    this.graph = new DStreamGraph(duration)
    this.#clock = options.clock ?? new SystemClock()
    this.#generator = new JobGenerator(this.#clock, duration, (time) => this.#generateJobs(time))
    this.#scheduler = new JobScheduler(this.#clock, this.#listeners, (message, error) => this.reportError(message, error), (time) => this.#batchCompleted(time), () => this.#notifyProgress())
  }

  static getActive(): StreamingContext | null {
    return StreamingContext.#active
  }

  /**
   * Spark's getOrCreate: the StreamingContext that `createFn` builds (it
   * defines the streams and calls `ssc.checkpoint(directory)`), restored
   * from the newest valid checkpoint in `directory` when there is one: its
   * keyed state and input progress come back, the batches after the
   * checkpoint's state run again with the same input, and new batches
   * continue from there. Rejects with a CheckpointError when no checkpoint
   * in `directory` is readable or the graph differs from the checkpoint's.
   *
   * @example
   * const ssc = await StreamingContext.getOrCreate('checkpoint', () => {
   *   const ssc = new StreamingContext(conf, Seconds(1))
   *   ssc.checkpoint('checkpoint')
   *   ssc.textFileStream('in').map((w) => [w, 1] as [string, number]).updateStateByKey(sum).print()
   *   return ssc
   * })
   * await ssc.start()
   */
  static async getOrCreate(directory: string, createFn: () => StreamingContext | Promise<StreamingContext>): Promise<StreamingContext> {
    const store = new CheckpointStore(resolve(directory))
    const checkpoint = await store.readLatest()
    const ssc = await createFn()
    ssc.#resuming = true
    if (checkpoint === null) {
      await store.close()
      return ssc
    }
    if (ssc.checkpointDirectory !== store.directory) ssc.checkpoint(directory)
    ssc.#recovered = { checkpoint, store }
    return ssc
  }

  /** The active context, or a new one made by `createFn`. */
  static getActiveOrCreate(createFn: () => StreamingContext): StreamingContext {
    return StreamingContext.#active ?? createFn()
  }

  get batchDuration(): Duration {
    return this.graph.batchDuration
  }

  get checkpointDirectory(): string | null {
    return this.#checkpointDirectory
  }

  /** The clock batches are timed by (Spark's `ssc.scheduler.clock`). */
  get clock(): Clock {
    return this.#clock
  }

  getState(): StreamingContextState {
    return this.#state
  }

  // ---- configuration ----

  /** Enables checkpointing of keyed state into `directory` (created owner-only); stateful streams require it. */
  checkpoint(directory: string): void {
    this.assertCanAddStreams()
    const absolute = resolve(directory)
    mkdirSync(absolute, { recursive: true, mode: 0o700 })
    this.#checkpointDirectory = absolute
    this.sparkContext.setCheckpointDir(absolute)
  }

  /** Keeps every stream's RDDs for at least `duration`, e.g. to query old batches with `slice`. */
  remember(duration: DurationLike): void {
    this.graph.remember(toDuration(duration, 'remember duration'))
  }

  /** Where streams and receivers post listener events. */
  get listenerBus(): StreamingListenerBus {
    return this.#listeners
  }

  addStreamingListener(listener: StreamingListener): void {
    this.#listeners.add(listener)
  }

  removeStreamingListener(listener: StreamingListener): void {
    this.#listeners.remove(listener)
  }

  // ---- input streams ----

  /** Each batch takes the next item of `queue` (an RDD or an array), or all of them when `oneAtATime` is false. */
  queueStream<T>(queue: (RDD<T> | readonly T[])[], oneAtATime = true, defaultRDD?: RDD<T>): DStream<T> {
    return new QueueInputDStream<T>(this, queue, oneAtATime, defaultRDD ?? null)
  }

  /** The lines of the files that appear in directory, each file read once, in the batch in which it appeared. */
  textFileStream(directory: string, options: FileStreamOptions = {}): DStream<string> {
    return new FileInputDStream(this, directory, options)
  }

  /** Lines of UTF-8 text read from a TCP server; reconnects with backoff when the server is not there or goes away. */
  socketTextStream(host: string, port: number, options: SocketTextStreamOptions = {}): DStream<string> {
    return new SocketInputDStream(this, host, port, socketLines(options), options, 'socketTextStream')
  }

  /** The records `converter` makes of the bytes read from a TCP server (Spark's socketStream); reconnects as socketTextStream does. */
  socketStream<T>(host: string, port: number, converter: SocketConverter<T>, options: SocketStreamOptions = {}): DStream<T> {
    return new SocketInputDStream(this, host, port, converter, options)
  }

  /** The records a user-defined Receiver stores; it runs on the driver from start() to stop(). */
  receiverStream<T>(receiver: Receiver<T>): DStream<T> {
    return new ReceiverInputDStream(this, receiver)
  }

  union<T>(...streams: DStream<T>[]): DStream<T> {
    return new UnionDStream(streams)
  }

  /** A function of several streams' batches at the same time, run on the driver. */
  transform<T>(streams: readonly DStream<unknown>[], fn: (rdds: RDD<unknown>[], time: Time) => RDD<T>): DStream<T> {
    return new TransformedDStream(streams, 'transform', (rdds, time) => fn([...rdds], time))
  }

  // ---- lifecycle ----

  /** Starts receiving and processing; the first batch is at the first multiple of the batch duration after now. */
  async start(): Promise<void> {
    if (this.#state === 'ACTIVE') {
      logger.warn('StreamingContext', 'StreamingContext has already been started')
      return
    }
    if (this.#state === 'STOPPED') throw new IllegalStateError('StreamingContext has already been stopped and cannot be restarted; create a new StreamingContext')
    if (StreamingContext.#active !== null) {
      throw new IllegalStateError('Only one StreamingContext may be started in this process; stop the active one (StreamingContext.getActive()) first')
    }
    const first = this.#recovered === null ? this.#startFresh() : this.#restore(this.#recovered)
    if (this.#checkpointer !== null) await this.#recoverInputs((this.#recovered?.checkpoint.progress as StreamProgress | undefined)?.history ?? [])
    for (const input of this.graph.inputStreams) input.startAt(first)
    StreamingContext.#active = this
    this.#state = 'ACTIVE'
    if (this.#clock instanceof ManualClock) this.#clock.observe(this.#progress())
    this.#installShutdownHook()
    for (const input of this.graph.inputStreams) await input.start()
    this.#generator.start(first)
    this.#listeners.post({ kind: 'onStreamingStarted', payload: { time: this.#clock.getTimeMillis() } })
    logger.info('StreamingContext', `StreamingContext started; first batch at ${first}`)
  }

  /** Waits until the context is stopped; rejects with the error of a failed batch (the context keeps running). */
  awaitTermination(): Promise<void> {
    return this.#waiter.wait(null).then(() => undefined)
  }

  /** Like awaitTermination, but gives up after `timeoutMs` of wall-clock time: true if the context stopped. */
  awaitTerminationOrTimeout(timeoutMs: number): Promise<boolean> {
    return this.#waiter.wait(timeoutMs)
  }

  /**
   * Stops the stream, and the SparkContext too unless `stopSparkContext` is
   * false. A graceful stop first processes all received data and every
   * queued batch; otherwise only the running output operation finishes.
   */
  async stop(stopSparkContext = true, stopGracefully = false): Promise<void> {
    // A second stop waits for the first; it still stops the SparkContext if asked to, as in Spark.
    this.#stopping ??= this.#halt(stopGracefully)
    await this.#stopping
    if (stopSparkContext) await this.sparkContext.stop()
    this.#waiter.notifyStop()
  }

  async #halt(stopGracefully: boolean): Promise<void> {
    const wasActive = this.#state === 'ACTIVE'
    this.#state = 'STOPPED'
    if (wasActive) {
      for (const input of this.graph.inputStreams) await input.stop()
      await this.#generator.stop()
      if (stopGracefully) {
        if (this.graph.inputStreams.some((input) => input.hasPendingData())) this.#generator.generateNext()
        await this.#scheduler.stopGracefully()
      } else {
        await this.#scheduler.stopNow()
      }
      await this.#checkpointer?.flush()
      await this.#store?.close()
      if (this.#clock instanceof ManualClock) this.#clock.observe(null)
    }
    this.#removeShutdownHook()
    if (StreamingContext.#active === this) StreamingContext.#active = null
    this.#notifyProgress()
    logger.info('StreamingContext', `StreamingContext stopped${stopGracefully ? ' gracefully' : ''}`)
  }


  // ---- used by streams and the scheduler ----

  /** Streams and output operations may only be added before start(). */
  assertCanAddStreams(): void {
    if (this.#state === 'ACTIVE') throw new IllegalStateError('Cannot add a DStream or output operation after the StreamingContext has started; define every stream before start()')
    if (this.#state === 'STOPPED') throw new IllegalStateError('Cannot add a DStream or output operation to a stopped StreamingContext; create a new StreamingContext')
  }

  /** An input stream's record count for a batch, summed into the batch's BatchInfo. */
  reportInput(_stream: InputDStream<unknown>, time: Time, numRecords: number): void {
    this.#inputRecords.set(time.milliseconds, (this.#inputRecords.get(time.milliseconds) ?? 0) + numRecords)
  }

  /** Reports a failure to `awaitTermination` and the logs; the stream keeps running, as in Spark. */
  reportError(message: string, error: unknown): void {
    logger.error('JobScheduler', `${message}: ${formatError(error)}`)
    this.#failuresSinceSettle.push(error)
    this.#waiter.notifyError(error)
    this.#notifyProgress()
  }

  #startFresh(): Time {
    const first = this.#generator.firstBatchTime()
    this.graph.start(first.minus(this.batchDuration))
    if (this.#checkpointDirectory !== null) {
      this.#store ??= new CheckpointStore(this.#checkpointDirectory)
      this.#checkpointer = new StreamCheckpointer(this.#store, this.graph, (message, error) => this.reportError(message, error))
    }
    return first
  }

  /**
   * Rebuilds the stream at its last checkpoint: the graph must match; state
   * comes back as of the checkpoint's state version, inputs remember what
   * they consumed, and the batches after that version run again with the
   * inputs they had, before new batches continue.
   */
  #restore(recovered: { readonly checkpoint: RestoredCheckpoint; readonly store: CheckpointStore }): Time {
    const { checkpoint, store } = recovered
    const progress = checkpoint.progress as StreamProgress
    const signature = StreamCheckpointer.signature(this.graph)
    if (progress.signature !== signature) {
      throw new CheckpointError(
        `The checkpoint ${checkpoint.file} was written by a different stream graph: ${this.#graphDifference(progress)}. It has: ${progress.signature}. ` +
          `This program defines: ${signature}. Run the program that wrote it, or use a new checkpoint directory`,
      )
    }
    this.graph.start(new Time(progress.zeroTimeMs))
    this.graph.inputStreams.forEach((input, index) => {
      if (isReplayableInput(input)) input.restoreInputProgress(progress.inputs[index])
    })
    for (const { id, stream } of checkpointedStreams(this.graph)) {
      stream.restoreState(checkpoint.state.filter((part) => part.stream === id), progress.stateVersionMs)
    }
    for (const batch of [...(progress.history ?? []), ...progress.replay, ...progress.pending]) {
      this.graph.inputStreams.forEach((input, index) => {
        if (isReplayableInput(input)) input.replayBatch(batch.timeMs, batch.inputs[index])
      })
    }
    this.#store = store
    this.#checkpointer = new StreamCheckpointer(store, this.graph, (message, error) => this.reportError(message, error))
    this.#checkpointer.resumeFrom(checkpoint, progress)
    const first = new Time(progress.stateVersionMs + this.batchDuration.milliseconds)
    logger.info('StreamingContext', `Recovered from ${checkpoint.file}: state as of ${progress.stateVersionMs} ms, ${progress.replay.length + progress.pending.length} batches to run again, continuing at ${first}`)
    return first
  }

  /** What differs between the graph of a checkpoint and this one, in words: the batch duration, the stateful streams, or else the streams. */
  #graphDifference(progress: StreamProgress): string {
    const differences: string[] = []
    if (progress.batchDurationMs !== this.batchDuration.milliseconds) {
      differences.push(`its batch duration is ${progress.batchDurationMs} ms, this program's is ${this.batchDuration.milliseconds} ms`)
    }
    const ours = checkpointedStreams(this.graph).map(({ stream }) => stream.constructor.name)
    const theirs = progress.stateful
    if (theirs !== undefined && theirs.join() !== ours.join()) {
      const list = (kinds: readonly string[]): string => (kinds.length === 0 ? 'none' : kinds.join(', '))
      differences.push(`its stateful streams are ${list(theirs)}, this program's are ${list(ours)}`)
    }
    return differences.length === 0 ? 'its streams or output operations differ' : differences.join('; ')
  }

  /**
   * Lets the inputs read what replaying needs (a receiver's write-ahead
   * log), then rebuilds the inputs' batches from before the state version
   * that windows read, without running their jobs.
   */
  async #recoverInputs(history: readonly BatchInputs[]): Promise<void> {
    for (const input of this.graph.inputStreams) if (isReplayableInput(input)) await input.recover?.(this.#resuming)
    for (const batch of history) {
      const time = new Time(batch.timeMs)
      this.graph.inputStreams.forEach((input, index) => {
        if (!isReplayableInput(input) || batch.inputs[index] == null) return
        input.getOrCompute(time)
        // The checkpointer has this batch's input already, from the checkpoint.
        void input.batchInput(batch.timeMs)
      })
      this.#inputRecords.delete(batch.timeMs)
    }
  }

  #generateJobs(time: Time): void {
    try {
      const jobs = this.graph.generateJobs(time)
      const numRecords = this.#inputRecords.get(time.milliseconds) ?? 0
      this.#inputRecords.delete(time.milliseconds)
      this.#checkpointer?.batchGenerated(time)
      this.#scheduler.submitJobSet(time, jobs, numRecords)
    } catch (error) {
      this.reportError(`Error generating jobs for time ${time}`, error)
    }
    this.#notifyProgress()
  }

  async #batchCompleted(time: Time): Promise<void> {
    try {
      await this.#checkpointer?.batchCompleted(time)
    } catch (error) {
      this.reportError(`Cannot save the state of batch ${time} for its checkpoint`, error)
    }
    this.graph.clearMetadata(time)
  }

  #notifyProgress(): void {
    for (const wake of this.#progressWaiters.splice(0)) wake()
  }

  #nextProgress(): Promise<void> {
    return new Promise((wake) => this.#progressWaiters.push(wake))
  }

  /** What ManualClock.advance waits on: every batch due by `timeMs` generated and run. */
  #progress(): BatchProgress {
    return {
      settled: async (timeMs) => {
        // Every due batch runs (a failed batch does not stop the later ones) before the first failure is thrown.
        for (;;) {
          const generated = this.#generator.nextBatchTimeMs > timeMs
          const done = !this.#scheduler.pendingBatchTimes.some((pending) => pending <= timeMs)
          if ((generated && done) || this.#state === 'STOPPED') break
          await this.#nextProgress()
        }
        await this.#checkpointer?.flush()
        const failures = this.#failuresSinceSettle
        this.#failuresSinceSettle = []
        if (failures.length > 0) throw failures[0]
      },
    }
  }

  #installShutdownHook(): void {
    if (!this.sparkContext.getConf().getBoolean('spark.streaming.stopGracefullyOnShutdown', false)) return
    const hook = (): void => {
      logger.info('StreamingContext', 'Shutdown signal received; stopping gracefully')
      void this.stop(true, true)
    }
    process.once('SIGINT', hook)
    process.once('SIGTERM', hook)
    this.#shutdownHook = hook
  }

  #removeShutdownHook(): void {
    if (this.#shutdownHook === null) return
    process.removeListener('SIGINT', this.#shutdownHook)
    process.removeListener('SIGTERM', this.#shutdownHook)
    this.#shutdownHook = null
  }
}
