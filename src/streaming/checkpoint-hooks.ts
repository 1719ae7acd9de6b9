import type { PartitionState } from '../recovery/index.js'

/**
 * An input stream whose input can be read again after a crash: it says
 * what it has consumed (saved with every checkpoint) and what each batch
 * took, and can give a batch the same input again when it is replayed.
 */
export interface ReplayableInput {
  /** What the stream has consumed up to now, for the progress record. */
  inputProgress(): unknown
  restoreInputProgress(progress: unknown): void
  /** What the batch at `timeMs` took (file names, queued records), captured when it was generated; a promise when it must be read first. */
  batchInput(timeMs: number): unknown
  /** Makes the batch at `timeMs` take `input` again instead of reading new input. */
  replayBatch(timeMs: number, input: unknown): void
  /**
   * Called at start when checkpointing is on, after the progress and the
   * batches to replay are given (with a fresh start, none): reads what
   * replaying needs, such as a receiver's write-ahead log. `resuming` is
   * true for a context made by `getOrCreate`, which picks up what an
   * earlier run left, even without a checkpoint.
   */
  recover?(resuming: boolean): Promise<void>
  /** No checkpoint kept on disk replays a batch before `timeMs` any more: the input saved for such batches may go. */
  releaseBefore?(timeMs: number): void
}

/** A stream whose keyed state goes into checkpoints (updateStateByKey, mapWithState). */
export interface CheckpointedState {
  /** The state after the batch at `timeMs`, per partition, under the stream id `stream`; the batch has completed. */
  stateCheckpoint(timeMs: number, stream: string): Promise<PartitionState[]>
  /** Makes the stream start from `parts`, the state after the batch at `versionMs`. */
  restoreState(parts: readonly PartitionState[], versionMs: number): void
}

export function isReplayableInput(value: object): value is ReplayableInput & object {
  return typeof (value as Partial<ReplayableInput>).batchInput === 'function'
}

export function hasCheckpointedState(value: object): value is CheckpointedState & object {
  return typeof (value as Partial<CheckpointedState>).stateCheckpoint === 'function'
}
