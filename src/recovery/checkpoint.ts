/** The changes one batch made to one state partition, as the state layer encoded them. */
export interface StateDelta {
  /** The batch time (ms) whose changes these are. */
  readonly version: number
  readonly bytes: Uint8Array
}

/**
 * The state of one partition of one stateful stream, as versions: a full
 * image at `baseVersion` and the changes of each later batch, oldest first
 * (mapWithState); or just an image (updateStateByKey). The bytes are
 * opaque here. Same shape as the state layer's `StateRestore`, plus the
 * stream and partition it belongs to.
 */
export interface PartitionState {
  /** Which stateful stream: a stable id chosen by the streaming layer, `[A-Za-z0-9_-]{1,100}`; it names a directory. */
  readonly stream: string
  readonly partition: number
  /** The image; null with a `baseVersion` means the partition was empty at that version. */
  readonly base: Uint8Array | null
  readonly baseVersion: number | null
  /** Changes after `baseVersion`, in increasing version order. */
  readonly deltas: readonly StateDelta[]
}

/** What one checkpoint holds: the progress of the stream at a batch time and its keyed state. */
export interface Checkpoint {
  /** The batch time (ms) this checkpoint is for; the record is named `checkpoint-<batchTimeMs>`. */
  readonly batchTimeMs: number
  /** The streaming layer's progress record (anything `encode` accepts); opaque to the store. */
  readonly progress: unknown
  /** Every state partition the checkpoint needs, whether or not its files were written by an earlier checkpoint. */
  readonly state?: readonly PartitionState[]
}

/** A checkpoint read back from disk, every file of it verified. */
export interface RestoredCheckpoint extends Checkpoint {
  readonly state: readonly PartitionState[]
  /** The record file it was read from. */
  readonly file: string
  /** Wall-clock time at which it was written (epoch ms), for logs. */
  readonly writtenAtMs: number
}

/** What a durable checkpoint write did. */
export interface CheckpointWritten {
  readonly batchTimeMs: number
  /** The record file. */
  readonly file: string
  /** Files written by this checkpoint (the record and the state files not already on disk). */
  readonly filesWritten: number
  readonly bytesWritten: number
}
