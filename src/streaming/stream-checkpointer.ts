import { CheckpointError } from '../common/errors.js'
import { logger } from '../common/logger.js'
import type { Time } from '../common/time.js'
import { type CheckpointStore, type PartitionState, type RestoredCheckpoint } from '../recovery/index.js'
import { type CheckpointedState, hasCheckpointedState, isReplayableInput } from './checkpoint-hooks.js'
import type { DStreamGraph } from './dstream-graph.js'
import type { DStream } from './dstream/internal.js'

/** A batch's inputs, one entry per input stream of the graph (null for one that cannot replay). */
export interface BatchInputs {
  readonly timeMs: number
  readonly inputs: readonly unknown[]
}

/**
 * The progress record of a checkpoint (documented in checkpoint/README.md):
 * enough to rebuild the stream at `lastCompletedMs` from the state saved
 * at `stateVersionMs` by running the batches in `replay` and `pending`
 * again with the same inputs.
 */
export interface StreamProgress {
  readonly signature: string
  /** The kinds of the stateful streams, in the order of their ids (`state-<i>`), to say how a graph differs. */
  readonly stateful?: readonly string[]
  readonly batchDurationMs: number
  readonly zeroTimeMs: number
  readonly lastCompletedMs: number | null
  readonly stateVersionMs: number
  /** Per input stream: what it had consumed when the record was written. */
  readonly inputs: readonly unknown[]
  /** Completed batches at or before the state version whose inputs windows still read, oldest first; recovery rebuilds their inputs without running them. */
  readonly history?: readonly BatchInputs[]
  /** Completed batches after the state version, oldest first. */
  readonly replay: readonly BatchInputs[]
  /** Batches generated but not completed when the record was written. */
  readonly pending: readonly BatchInputs[]
}

/**
 * Writes a StreamingContext's checkpoints: after a batch is generated (so
 * the inputs of batches not yet completed are saved) and after it
 * completes (its progress, and the keyed state at checkpoint times).
 * Writes run in the background, in order; a failed write is reported as a
 * CheckpointError and the previous checkpoint stays usable.
 */
export class StreamCheckpointer {
  readonly #store: CheckpointStore
  readonly #graph: DStreamGraph
  readonly #inputs: readonly DStream<unknown>[]
  readonly #stateful: readonly { readonly id: string; readonly stream: CheckpointedState }[]
  readonly #intervalMs: number
  readonly #reportError: (message: string, error: unknown) => void
  readonly #lookbackMs: number
  readonly #pending = new Map<number, BatchInputs>()
  /** Completed batches a recovery needs: after the state version (run again), and before it as far as windows reach back (inputs rebuilt). */
  #completed: BatchInputs[] = []
  /** For each durable checkpoint still kept, the oldest batch it refers to. */
  readonly #oldestNeeded = new Map<number, number>()
  #stateVersionMs: number
  #stateRefs: readonly PartitionState[] = []
  #lastCompletedMs: number | null = null
  #writes: Promise<unknown> = Promise.resolve()
  /** Batches' inputs are saved in the order the batches were generated, some of them (a queued RDD's records) once collected. */
  #inputsSaved: Promise<void> = Promise.resolve()

  constructor(store: CheckpointStore, graph: DStreamGraph, reportError: (message: string, error: unknown) => void) {
    this.#store = store
    this.#graph = graph
    this.#inputs = graph.inputStreams
    this.#stateful = checkpointedStreams(graph)
    const intervals = statefulStreams(graph).map((stream) => stream.checkpointDuration?.milliseconds ?? graph.batchDuration.milliseconds)
    this.#intervalMs = intervals.length === 0 ? graph.batchDuration.milliseconds : Math.min(...intervals)
    this.#lookbackMs = Math.max(0, ...graph.outputStreams.map((stream) => stream.lookbackMs))
    this.#reportError = reportError
    this.#stateVersionMs = (graph.zeroTime as Time).milliseconds
  }

  /** What must match between a checkpoint and the graph that recovers from it. */
  static signature(graph: DStreamGraph): string {
    const describe = (stream: DStream<unknown>): string => `${stream.constructor.name}(${stream.dependencies.map(describe).join(',')})`
    return `batch ${graph.batchDuration.milliseconds} ms: ${graph.outputStreams.map(describe).join('; ')}`
  }

  /** Continues from a checkpoint that recovery restored. */
  resumeFrom(checkpoint: RestoredCheckpoint, progress: StreamProgress): void {
    this.#stateVersionMs = progress.stateVersionMs
    this.#stateRefs = checkpoint.state
    this.#lastCompletedMs = progress.lastCompletedMs
    // The replayed batches are added again as they complete.
    this.#completed = [...(progress.history ?? [])]
    // The checkpoints kept before this one are unknown here: nothing is released until `retain` newer ones are durable and the store has deleted the older.
    this.#oldestNeeded.set(checkpoint.batchTimeMs, Number.NEGATIVE_INFINITY)
  }

  batchGenerated(time: Time): void {
    const timeMs = time.milliseconds
    const inputs = this.#inputs.map((input, index) => {
      if (!isReplayableInput(input)) return null
      return Promise.resolve(input.batchInput(timeMs)).catch((error: unknown) => {
        this.#reportError(`Cannot save the input of batch ${timeMs} ms of input stream ${index} for its checkpoint; a recovery would run that batch without it`, error)
        return null
      })
    })
    this.#inputsSaved = this.#inputsSaved.then(async () => {
      this.#pending.set(timeMs, { timeMs, inputs: await Promise.all(inputs) })
      this.#write(timeMs, undefined)
    })
  }

  /** Called after a batch's output operations, before the next batch runs: collects the state to save (no I/O). */
  async batchCompleted(time: Time): Promise<void> {
    await this.#inputsSaved
    const timeMs = time.milliseconds
    const batch = this.#pending.get(timeMs) ?? { timeMs, inputs: [] }
    this.#pending.delete(timeMs)
    this.#lastCompletedMs = timeMs
    this.#completed.push(batch)
    if ((timeMs - this.#stateVersionMs) % this.#intervalMs === 0 || this.#stateful.length === 0) {
      const parts = await Promise.all(this.#stateful.map(({ id, stream }) => stream.stateCheckpoint(timeMs, id)))
      this.#stateRefs = parts.flat()
      this.#stateVersionMs = timeMs
    }
    const oldestRead = this.#stateVersionMs + this.#graph.batchDuration.milliseconds - this.#lookbackMs
    this.#completed = this.#completed.filter((completed) => completed.timeMs > this.#stateVersionMs || completed.timeMs >= oldestRead)
    this.#write(timeMs, this.#stateRefs)
  }

  /** Resolves once every checkpoint asked for so far is durable (or has failed and been reported). */
  async flush(): Promise<void> {
    await this.#inputsSaved
    await this.#writes
  }

  /** Tells the inputs which batches no kept checkpoint refers to any more, now that the checkpoint of `timeMs` is durable. */
  #release(timeMs: number, oldestMs: number): void {
    this.#oldestNeeded.set(timeMs, oldestMs)
    const kept = [...this.#oldestNeeded.keys()].sort((a, b) => b - a)
    for (const old of kept.slice(this.#store.retain)) this.#oldestNeeded.delete(old)
    const threshold = Math.min(...this.#oldestNeeded.values())
    if (threshold === Number.NEGATIVE_INFINITY) return
    for (const input of this.#inputs) if (isReplayableInput(input)) input.releaseBefore?.(threshold)
  }

  #write(timeMs: number, state: readonly PartitionState[] | undefined): void {
    const progress: StreamProgress = {
      signature: StreamCheckpointer.signature(this.#graph),
      stateful: this.#stateful.map(({ stream }) => stream.constructor.name),
      batchDurationMs: this.#graph.batchDuration.milliseconds,
      zeroTimeMs: (this.#graph.zeroTime as Time).milliseconds,
      lastCompletedMs: this.#lastCompletedMs,
      stateVersionMs: this.#stateVersionMs,
      inputs: this.#inputs.map((input) => (isReplayableInput(input) ? input.inputProgress() : null)),
      history: this.#completed.filter((completed) => completed.timeMs <= this.#stateVersionMs),
      replay: this.#completed.filter((completed) => completed.timeMs > this.#stateVersionMs),
      pending: [...this.#pending.values()],
    }
    const written = this.#store.write({ batchTimeMs: timeMs, progress, state: state ?? this.#stateRefs })
    this.#writes = this.#writes.then(() =>
      written.then(
        (done) => {
          logger.debug('StreamCheckpointer', `Checkpoint for ${timeMs} ms written to ${done.file}`)
          this.#release(timeMs, oldestBatch(progress, timeMs))
        },
        (error: unknown) => {
          const failure = error instanceof CheckpointError ? error : new CheckpointError(`Cannot write the checkpoint of batch ${timeMs} ms: ${String(error)}`, { cause: error })
          this.#reportError(`Checkpoint of batch ${timeMs} ms failed; the previous checkpoint is kept`, failure)
        },
      ),
    )
  }
}

/** The oldest batch a checkpoint refers to; with none, the batch after its own. */
function oldestBatch(progress: StreamProgress, batchTimeMs: number): number {
  const batches = [...(progress.history ?? []), ...progress.replay, ...progress.pending]
  return Math.min(batchTimeMs + progress.batchDurationMs, ...batches.map((batch) => batch.timeMs))
}

/** The streams whose state goes into checkpoints, with the ids their state is saved under (`state-<i>`). */
export function checkpointedStreams(graph: DStreamGraph): { readonly id: string; readonly stream: CheckpointedState }[] {
  return statefulStreams(graph).map((stream, index) => ({ id: `state-${index}`, stream: stream as unknown as CheckpointedState }))
}

/** The streams whose state goes into checkpoints, in a fixed order: depth-first from the outputs. */
function statefulStreams(graph: DStreamGraph): DStream<unknown>[] {
  const found: DStream<unknown>[] = []
  const visit = (stream: DStream<unknown>): void => {
    for (const parent of stream.dependencies) visit(parent)
    if (hasCheckpointedState(stream) && !found.includes(stream)) found.push(stream)
  }
  for (const output of graph.outputStreams) visit(output)
  return found
}
