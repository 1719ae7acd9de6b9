export type { Checkpoint, CheckpointWritten, PartitionState, RestoredCheckpoint, StateDelta } from './checkpoint.js'
export { CHECKPOINT_FORMAT_VERSION } from './checkpoint-file.js'
export { CheckpointStore, type CheckpointStoreOptions, DEFAULT_CHECKPOINT_STORE_OPTIONS } from './checkpoint-store.js'
export { WAL_FORMAT_VERSION } from './write-ahead-log-format.js'
export {
  compareWalPositions,
  DEFAULT_WRITE_AHEAD_LOG_OPTIONS,
  type WalCleanThreshold,
  type WalPosition,
  type WalRecord,
  WriteAheadLog,
  type WriteAheadLogOptions,
} from './write-ahead-log.js'
