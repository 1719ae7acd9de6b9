import { readdir } from 'node:fs/promises'
import { join } from 'node:path'

import { CheckpointError, IllegalStateError } from '../common/errors.js'
import { logger } from '../common/logger.js'
import { encode } from '../serde/codec.js'
import type { Checkpoint, CheckpointWritten, RestoredCheckpoint } from './checkpoint.js'
import { CheckpointFileKind, checkpointFileHeader, frameCheckpointFile, headerPayloadCrc } from './checkpoint-file.js'
import { parseRecordName, recordName, stateFilePath } from './checkpoint-layout.js'
import { readCheckpoint } from './checkpoint-reader.js'
import type { CheckpointRecord, PartitionStateRef, StateFileRef } from './checkpoint-record.js'
import { removeOldCheckpoints } from './checkpoint-retention.js'
import { validateCheckpoint } from './checkpoint-validation.js'
import { describeIoError, ensureDirectory, errorCode, ioFailure, syncDirectory, writeAndRename, writeFileDurably } from './durable-files.js'
import { SerialQueue } from './serial-queue.js'

const SOURCE = 'CheckpointStore'

export interface CheckpointStoreOptions {
  /**
   * How many complete checkpoints to keep, the newest included. Older ones
   * (and the state files only they refer to) are deleted after each write.
   * At least 1; 2 keeps one to fall back on if the newest is damaged.
   */
  readonly retain?: number
}

export const DEFAULT_CHECKPOINT_STORE_OPTIONS: Required<CheckpointStoreOptions> = { retain: 2 }

/** A state file to write: where, and its header and payload. */
interface PendingStateFile {
  readonly path: string
  readonly header: Uint8Array
  readonly payload: Uint8Array
  readonly ref: StateFileRef
}

/** A checkpoint whose progress was encoded at `write()` time, so the caller may change its objects afterwards. */
interface PreparedCheckpoint {
  readonly batchTimeMs: number
  /** msgpack of the progress record. */
  readonly progress: Uint8Array
  readonly checkpoint: Checkpoint
}

/**
 * A directory of checkpoints: Spark's `CheckpointWriter` and
 * `CheckpointReader` in one. Each checkpoint is a small record,
 * `checkpoint-<batchTimeMs>`, holding the streaming layer's progress and
 * references to the state files it needs; state files (an image per
 * partition, and the changes of later batches) are written separately and
 * shared by the checkpoints that need them, so a checkpoint writes only the
 * state that changed since the previous one.
 *
 * Writes run in the background, one at a time, in the order `write` was
 * called; each write's promise resolves once the checkpoint is durable
 * (files and directory entries fsynced) and rejects with a
 * `CheckpointError` if any part fails, in which case nothing written
 * before is touched. The record is written last, so a record that exists
 * refers only to complete files; old checkpoints are deleted only after a
 * newer one is durable. `readLatest` returns the newest checkpoint whose
 * every file passes its checks, falling back to older ones.
 *
 * The store knows nothing of streams beyond the names it is given: the
 * progress record is opaque and the state bytes are the state layer's.
 * One process at a time may write to a directory.
 *
 * @example
 * const store = new CheckpointStore('checkpoint/word-count')
 * const restored = await store.readLatest()            // null on a first run
 * await store.write({ batchTimeMs: 1_700_000_003_000, progress: { lastCompleted: 1_700_000_003_000 },
 *   state: [{ stream: 'state-1', partition: 0, base: imageBytes, baseVersion: 1_700_000_003_000, deltas: [] }] })
 * await store.close()
 */
export class CheckpointStore {
  readonly directory: string
  readonly #retain: number
  readonly #queue = new SerialQueue()
  #closed = false
  /** State files known to be complete on disk (written here, or verified by `readLatest`), by relative path. */
  readonly #stateFiles = new Map<string, StateFileRef>()
  /** The state files each known record refers to, by batch time. */
  readonly #records = new Map<number, readonly string[]>()

  constructor(directory: string, options: CheckpointStoreOptions = {}) {
    if (typeof directory !== 'string' || directory === '') throw new TypeError(`directory must be a non-empty path, got ${JSON.stringify(directory)}`)
    const retain = options.retain ?? DEFAULT_CHECKPOINT_STORE_OPTIONS.retain
    if (!Number.isSafeInteger(retain) || retain < 1) throw new RangeError(`options.retain must be a positive integer, got ${retain}`)
    this.directory = directory
    this.#retain = retain
  }

  /** How many of the newest checkpoints are kept: recovery may fall back to any of them. */
  get retain(): number {
    return this.#retain
  }

  /** Writes queued or in progress. */
  get pendingWrites(): number {
    return this.#queue.size
  }

  /**
   * Queues `checkpoint` for writing and resolves once it is durable. The
   * progress record is encoded and the state lists copied at once; the
   * state bytes are written later and must not change until the promise
   * settles. State files already
   * written for an earlier checkpoint (same stream, partition, kind and
   * version) are not written again.
   */
  write(checkpoint: Checkpoint): Promise<CheckpointWritten> {
    if (this.#closed) return Promise.reject(new IllegalStateError(`CheckpointStore for ${this.directory} is closed; create a new one to write again`))
    let prepared: PreparedCheckpoint
    try {
      validateCheckpoint(checkpoint)
      // encode() returns a view of a buffer it reuses: copy it.
      const progress = Buffer.from(encode(checkpoint.progress, 'checkpoint progress'))
      const state = (checkpoint.state ?? []).map((partition) => ({ ...partition, deltas: [...partition.deltas] }))
      prepared = { batchTimeMs: checkpoint.batchTimeMs, progress, checkpoint: { ...checkpoint, state } }
    } catch (error) {
      return Promise.reject(error)
    }
    return this.#queue.run(() => this.#writeNow(prepared))
  }

  /**
   * The newest checkpoint whose record and state files are all intact, or
   * null when the directory holds no checkpoint at all. Each rejected one is
   * logged with the reason; when every one is rejected, throws a
   * `CheckpointError` that names them all. Waits for queued writes first.
   */
  readLatest(): Promise<RestoredCheckpoint | null> {
    return this.#queue.run(() => this.#readLatestNow())
  }

  /** Batch times of the checkpoint records in the directory, newest first, whether intact or not. */
  async list(): Promise<number[]> {
    let names: string[]
    try {
      names = await readdir(this.directory)
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return []
      throw ioFailure('Listing checkpoint directory', this.directory, error)
    }
    return names.map(parseRecordName).filter((time): time is number => time !== null).sort((a, b) => b - a)
  }

  /** Resolves once every write queued so far has settled. */
  flush(): Promise<void> {
    return this.#queue.idle()
  }

  /** Waits for queued writes, then refuses new ones. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true
    await this.#queue.idle()
  }

  async #writeNow({ batchTimeMs, progress, checkpoint }: PreparedCheckpoint): Promise<CheckpointWritten> {
    const started = Date.now()
    const recordFile = join(this.directory, recordName(batchTimeMs))
    const fail = (action: string, path: string, error: unknown): CheckpointError =>
      new CheckpointError(
        `Checkpoint of batch time ${batchTimeMs} was not written: ${action} ${path} failed: ${describeIoError(error)}; earlier checkpoints are untouched`,
        { cause: error },
      )

    const { refs, pending } = this.#planStateFiles(checkpoint)
    try {
      await ensureDirectory(this.directory)
    } catch (error) {
      throw fail('creating', this.directory, error)
    }
    await this.#writeStateFiles(pending, fail)

    const record: CheckpointRecord = { batchTimeMs, writtenAtMs: Date.now(), progress, state: refs }
    const bytes = frameCheckpointFile(CheckpointFileKind.record, encode(record, 'checkpoint record'))
    try {
      await writeFileDurably(this.directory, recordName(batchTimeMs), [bytes])
    } catch (error) {
      throw fail('writing', recordFile, error)
    }

    for (const file of pending) this.#stateFiles.set(file.path, file.ref)
    this.#records.set(batchTimeMs, referencedFiles(refs))
    const bytesWritten = bytes.byteLength + pending.reduce((sum, file) => sum + file.header.byteLength + file.payload.byteLength, 0)
    logger.info(SOURCE, `Checkpoint of batch time ${batchTimeMs} saved to ${recordFile}: ${pending.length + 1} files, ${bytesWritten} bytes, ${Date.now() - started} ms`)
    try {
      await removeOldCheckpoints(this.directory, batchTimeMs, this.#retain, { records: this.#records, stateFiles: this.#stateFiles })
    } catch (error) {
      // The new checkpoint is durable; what is left over only takes space and goes next time.
      logger.warn(SOURCE, `Could not remove old checkpoints from ${this.directory}: ${describeIoError(error)}`)
    }
    return { batchTimeMs, file: recordFile, filesWritten: pending.length + 1, bytesWritten }
  }

  /** The references the record will hold, and the state files not yet on disk. */
  #planStateFiles(checkpoint: Checkpoint): { refs: PartitionStateRef[]; pending: PendingStateFile[] } {
    const pending: PendingStateFile[] = []
    const refFor = (path: string, kind: CheckpointFileKind, version: number, payload: Uint8Array): StateFileRef => {
      const known = this.#stateFiles.get(path)
      if (known !== undefined && known.length === payload.byteLength) return known
      const header = checkpointFileHeader(kind, payload)
      const ref = { file: path, version, length: payload.byteLength, crc: headerPayloadCrc(header) }
      pending.push({ path, header, payload, ref })
      return ref
    }
    const refs = (checkpoint.state ?? []).map((partition): PartitionStateRef => {
      const { stream, partition: index, base, baseVersion } = partition
      return {
        stream,
        partition: index,
        baseVersion,
        base: base === null ? null : refFor(stateFilePath(stream, index, 'image', baseVersion as number), CheckpointFileKind.stateImage, baseVersion as number, base),
        deltas: partition.deltas.map((delta) =>
          refFor(stateFilePath(stream, index, 'changes', delta.version), CheckpointFileKind.stateChanges, delta.version, delta.bytes),
        ),
      }
    })
    return { refs, pending }
  }

  async #writeStateFiles(pending: readonly PendingStateFile[], fail: (action: string, path: string, error: unknown) => CheckpointError): Promise<void> {
    const directories = [...new Set(pending.map((file) => file.path.slice(0, file.path.lastIndexOf('/'))))]
    for (const directory of directories) {
      const path = join(this.directory, ...directory.split('/'))
      try {
        await ensureDirectory(path)
      } catch (error) {
        throw fail('creating', path, error)
      }
    }
    // A few files at a time: libuv's four threads do the work; more in flight only holds more descriptors.
    let next = 0
    let failure: CheckpointError | null = null
    const writeNext = async (): Promise<void> => {
      while (failure === null && next < pending.length) {
        const file = pending[next++] as PendingStateFile
        const slash = file.path.lastIndexOf('/')
        const directory = join(this.directory, ...file.path.slice(0, slash).split('/'))
        try {
          await writeAndRename(directory, file.path.slice(slash + 1), [file.header, file.payload])
        } catch (error) {
          failure ??= fail('writing', join(this.directory, ...file.path.split('/')), error)
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(4, pending.length) }, writeNext))
    if (failure !== null) throw failure
    for (const directory of directories) {
      const path = join(this.directory, ...directory.split('/'))
      try {
        await syncDirectory(path)
      } catch (error) {
        throw fail('syncing', path, error)
      }
    }
  }

  async #readLatestNow(): Promise<RestoredCheckpoint | null> {
    const times = await this.list()
    if (times.length === 0) return null
    const rejected: Error[] = []
    for (const time of times) {
      try {
        const { checkpoint, record } = await readCheckpoint(this.directory, time)
        if (rejected.length > 0) logger.warn(SOURCE, `Recovering from ${checkpoint.file}, the newest intact checkpoint`)
        else logger.info(SOURCE, `Recovering from ${checkpoint.file}`)
        this.#remember(time, record.state)
        return checkpoint
      } catch (error) {
        const reason = error instanceof Error ? error : new Error(String(error))
        rejected.push(reason)
        logger.warn(SOURCE, `Rejected checkpoint ${recordName(time)}: ${reason.message}`)
      }
    }
    const tried = times.map(recordName).join(', ')
    throw new CheckpointError(
      `No readable checkpoint in ${this.directory}: tried ${tried}\n${rejected.map((error) => `  - ${error.message}`).join('\n')}\n` +
        'Restore the damaged files, or move the directory aside to start without its state',
      { cause: new AggregateError(rejected, `every checkpoint in ${this.directory} was rejected`) },
    )
  }

  #remember(time: number, refs: readonly PartitionStateRef[]): void {
    for (const partition of refs) {
      for (const ref of [...(partition.base === null ? [] : [partition.base]), ...partition.deltas]) this.#stateFiles.set(ref.file, ref)
    }
    this.#records.set(time, referencedFiles(refs))
  }
}

function referencedFiles(refs: readonly PartitionStateRef[]): string[] {
  return refs.flatMap((partition) => [...(partition.base === null ? [] : [partition.base.file]), ...partition.deltas.map((delta) => delta.file)])
}
