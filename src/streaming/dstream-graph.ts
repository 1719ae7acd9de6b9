import { IllegalStateError } from '../common/errors.js'
import type { Duration, Time } from '../common/time.js'
import type { DStream, ForEachDStream, InputDStream, Job } from './dstream/internal.js'

/**
 * The streams of a StreamingContext: its inputs and its output operations
 * (and, through their dependencies, everything between). At each batch
 * time it computes every input and asks every output for its job, in the
 * order the outputs were defined.
 */
export class DStreamGraph {
  readonly batchDuration: Duration
  readonly #inputStreams: InputDStream<unknown>[] = []
  readonly #outputStreams: ForEachDStream<unknown>[] = []
  #rememberDuration: Duration | null = null
  #zeroTime: Time | null = null
  #nextStreamId = 0

  constructor(batchDuration: Duration) {
    this.batchDuration = batchDuration
  }

  nextStreamId(): number {
    return this.#nextStreamId++
  }

  addInputStream(stream: InputDStream<unknown>): void {
    this.#inputStreams.push(stream)
  }

  /** Returns the output operation's id: its position among the outputs. */
  addOutputStream(stream: ForEachDStream<unknown>): number {
    this.#outputStreams.push(stream)
    return this.#outputStreams.length - 1
  }

  get inputStreams(): readonly InputDStream<unknown>[] {
    return this.#inputStreams
  }

  get outputStreams(): readonly ForEachDStream<unknown>[] {
    return this.#outputStreams
  }

  get zeroTime(): Time | null {
    return this.#zeroTime
  }

  remember(duration: Duration): void {
    this.#rememberDuration = duration
  }

  /** Initializes every stream with the zero time, settles remember durations, and validates the graph. */
  start(zeroTime: Time): void {
    if (this.#outputStreams.length === 0) {
      throw new IllegalStateError('No output operations registered, so nothing to execute; add print(), foreachRDD() or saveAsTextFiles() before start()')
    }
    // Validated before anything is initialized: a start() refused here leaves the context as it
    // was, to be fixed (say, given a checkpoint directory) and started again at a later time.
    // Inputs too: every input runs and is computed each batch, whether or not an output reads it.
    for (const stream of [...this.#outputStreams, ...this.#inputStreams]) stream.validateAtStart()
    this.#zeroTime = zeroTime
    const streams: DStream<unknown>[] = [...this.#outputStreams, ...this.#inputStreams]
    for (const stream of streams) stream.initialize(zeroTime)
    for (const stream of this.#outputStreams) stream.remember(this.#rememberDuration ?? stream.rememberDuration)
  }

  generateJobs(time: Time): Job[] {
    for (const input of this.#inputStreams) input.getOrCompute(time)
    const jobs: Job[] = []
    for (const output of this.#outputStreams) {
      const job = output.generateJob(time)
      if (job !== null) jobs.push(job)
    }
    return jobs
  }

  clearMetadata(time: Time): void {
    for (const output of this.#outputStreams) output.clearMetadata(time)
    for (const input of this.#inputStreams) input.clearMetadata(time)
  }
}
