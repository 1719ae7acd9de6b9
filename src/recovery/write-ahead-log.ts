import type { FileHandle } from 'node:fs/promises'
import { open, readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'

import { CheckpointError, IllegalStateError } from '../common/errors.js'
import { logger } from '../common/logger.js'
import { describeIoError, ensureDirectory, errorCode, ioFailure, removeQuietly, syncDirectory, writeFully } from './durable-files.js'
import { SerialQueue } from './serial-queue.js'
import { MAX_RECORD_BYTES, RECORD_HEADER_BYTES, SEGMENT_HEADER_BYTES, frameRecord, recordProblem, scanSegment, segmentHeader } from './write-ahead-log-format.js'
import { type SegmentName, parseSegmentName, segmentName } from './write-ahead-log-segment.js'

const SOURCE = 'WriteAheadLog'

export interface WriteAheadLogOptions {
  /** A new segment is started before a record that would take the current one past this size (a larger record gets a segment of its own). Default 64 MiB. */
  readonly maxSegmentBytes?: number
  /**
   * A new segment is started for a record whose time is this long after the
   * segment's first record; cleaning by time deletes whole segments, so this
   * is also how finely old records are dropped. Default 60 s, as Spark's
   * `spark.streaming.receiver.writeAheadLog.rollingIntervalSecs`.
   */
  readonly rollingIntervalMs?: number
}

export const DEFAULT_WRITE_AHEAD_LOG_OPTIONS: Required<WriteAheadLogOptions> = { maxSegmentBytes: 64 * 1024 * 1024, rollingIntervalMs: 60_000 }

/** Where a record is: a segment of the log's directory, the record's byte offset in it, and its payload length. Plain data, to keep in checkpoints. */
export interface WalPosition {
  readonly segment: string
  readonly offset: number
  readonly length: number
}

export interface WalRecord {
  readonly position: WalPosition
  readonly bytes: Uint8Array
}

/** Orders positions as their records were written: by segment sequence, then offset. */
export function compareWalPositions(a: WalPosition, b: WalPosition): number {
  const sequence = (parseSegmentName(a.segment)?.sequence ?? 0) - (parseSegmentName(b.segment)?.sequence ?? 0)
  return sequence !== 0 ? sequence : a.offset - b.offset
}

/** Which segments `clean` deletes: those whose records all have times before `beforeTimeMs`, or that come before the segment of `before` (never the newest one). */
export type WalCleanThreshold = { readonly beforeTimeMs: number } | { readonly before: WalPosition }

interface PendingWrite {
  readonly frame: Buffer
  readonly timeMs: number
  readonly resolve: (position: WalPosition) => void
  readonly reject: (error: Error) => void
}

interface ActiveSegment extends SegmentName {
  readonly name: string
  readonly handle: FileHandle
  size: number
}

/**
 * A write-ahead log in a directory, after Spark's `FileBasedWriteAheadLog`:
 * records (opaque bytes) appended to rotating segment files, each record
 * framed with its length and checksums. `write` resolves with the record's
 * position once the record is on disk (fdatasync); writes that arrive while
 * one is being synced are written and synced together (group commit), in
 * the order they were made. After a crash, `readAll` returns every intact
 * record in order, skipping a torn record at the end of a segment and
 * stopping a segment at a corrupt record (with a warning). `clean` deletes
 * whole segments whose records are no longer needed.
 *
 * A log never appends to a segment written before it was created: its first
 * write starts a new one. One process at a time may write to a directory.
 *
 * @example
 * const wal = new WriteAheadLog('checkpoint/word-count/receivedData/0')
 * const position = await wal.write(encodedBlock, clock.getTimeMillis())   // durable now
 * for (const { position, bytes } of await wal.readAll()) replay(position, bytes)
 * await wal.clean({ beforeTimeMs: oldestBatchStillNeeded })
 * await wal.close()
 */
export class WriteAheadLog {
  readonly directory: string
  readonly #maxSegmentBytes: number
  readonly #rollingIntervalMs: number
  readonly #queue = new SerialQueue()
  #pending: PendingWrite[] = []
  #flushQueued = false
  #active: ActiveSegment | null = null
  #nextSequence: number | null = null
  #closed = false

  constructor(directory: string, options: WriteAheadLogOptions = {}) {
    if (typeof directory !== 'string' || directory === '') throw new TypeError(`directory must be a non-empty path, got ${JSON.stringify(directory)}`)
    const { maxSegmentBytes, rollingIntervalMs } = { ...DEFAULT_WRITE_AHEAD_LOG_OPTIONS, ...options }
    if (!Number.isSafeInteger(maxSegmentBytes) || maxSegmentBytes <= SEGMENT_HEADER_BYTES) {
      throw new RangeError(`options.maxSegmentBytes must be an integer above ${SEGMENT_HEADER_BYTES}, got ${maxSegmentBytes}`)
    }
    if (!Number.isSafeInteger(rollingIntervalMs) || rollingIntervalMs <= 0) throw new RangeError(`options.rollingIntervalMs must be a positive integer, got ${rollingIntervalMs}`)
    this.directory = directory
    this.#maxSegmentBytes = maxSegmentBytes
    this.#rollingIntervalMs = rollingIntervalMs
  }

  /**
   * Appends `bytes` (copied at once; parts given as an array are joined) as
   * one record at time `timeMs` (the caller's clock; it decides rotation and
   * cleaning by time) and resolves with its position once it is durable.
   * Rejects with a `CheckpointError` naming the segment when the write or
   * sync fails; later writes go to a new segment.
   */
  write(bytes: Uint8Array | readonly Uint8Array[], timeMs: number = Date.now()): Promise<WalPosition> {
    if (this.#closed) return Promise.reject(new IllegalStateError(`WriteAheadLog for ${this.directory} is closed; create a new one to write again`))
    const parts = Array.isArray(bytes) ? (bytes as readonly unknown[]) : [bytes]
    if (!parts.every((part) => part instanceof Uint8Array)) return Promise.reject(new TypeError('bytes must be a Uint8Array or an array of them'))
    const length = (parts as readonly Uint8Array[]).reduce((total, part) => total + part.byteLength, 0)
    if (length > MAX_RECORD_BYTES) return Promise.reject(new RangeError(`A record holds at most ${MAX_RECORD_BYTES} bytes, got ${length}`))
    if (!Number.isSafeInteger(timeMs) || timeMs < 0) return Promise.reject(new RangeError(`timeMs must be a non-negative integer, got ${timeMs}`))
    const frame = frameRecord(parts as readonly Uint8Array[])
    return new Promise<WalPosition>((resolve, reject) => {
      this.#pending.push({ frame, timeMs, resolve, reject })
      if (this.#flushQueued) return
      this.#flushQueued = true
      void this.#queue.run(() => this.#flushPending())
    })
  }

  /** The payload of the record at `position`, verified; a `CheckpointError` says what is wrong otherwise. */
  async read(position: WalPosition): Promise<Uint8Array> {
    const { segment, offset, length } = position
    if (parseSegmentName(segment) === null) throw new RangeError(`position.segment must name a segment (log-<sequence>-<startMs>-<endMs>), got ${JSON.stringify(segment)}`)
    if (!Number.isSafeInteger(offset) || offset < SEGMENT_HEADER_BYTES) throw new RangeError(`position.offset must be an integer of at least ${SEGMENT_HEADER_BYTES}, got ${offset}`)
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`position.length must be a non-negative integer, got ${length}`)
    const path = join(this.directory, segment)
    const record = Buffer.alloc(RECORD_HEADER_BYTES + length)
    let bytesRead: number
    try {
      const handle = await open(path, 'r')
      try {
        bytesRead = (await handle.read(record, 0, record.byteLength, offset)).bytesRead
      } finally {
        await handle.close()
      }
    } catch (error) {
      if (errorCode(error) === 'ENOENT') throw new CheckpointError(`${path} is missing: the write-ahead log segment of the record at byte ${offset} was deleted`, { cause: error })
      throw ioFailure('Reading the write-ahead log record at byte ' + offset + ' of', path, error)
    }
    const problem = recordProblem(record.subarray(0, bytesRead), 0, length)
    if (problem !== null) throw new CheckpointError(`The write-ahead log record at byte ${offset} of ${path} cannot be read: ${problem.reason}`)
    return record.subarray(RECORD_HEADER_BYTES)
  }

  /**
   * Every intact record, oldest first, after the writes made so far. For
   * recovery: a torn record at the end of a segment (a write cut by a crash)
   * is skipped; at a corrupt record the rest of that segment is skipped with
   * a warning, the records before it are kept and reading goes on with the
   * next segment.
   */
  readAll(): Promise<WalRecord[]> {
    return this.#queue.run(async () => {
      const records: WalRecord[] = []
      for (const segment of await this.#listSegments()) {
        const path = join(this.directory, segment.name)
        let bytes: Uint8Array
        try {
          bytes = await readFile(path)
        } catch (error) {
          throw ioFailure('Reading write-ahead log segment', path, error)
        }
        const { records: found, end } = scanSegment(bytes, path)
        for (const { offset, bytes: payload } of found) records.push({ position: { segment: segment.name, offset, length: payload.byteLength }, bytes: payload })
        if (end.kind === 'torn') logger.info(SOURCE, `Skipped a torn record at byte ${end.offset} of ${path} (a write cut short by a crash): ${end.reason}`)
        if (end.kind === 'corrupt') {
          logger.warn(SOURCE, `Stopped reading ${path} at byte ${end.offset}: ${end.reason}; kept the ${found.length} records before it, skipped the last ${bytes.byteLength - end.offset} bytes`)
        }
      }
      return records
    })
  }

  /**
   * Deletes the segments `threshold` selects, after the writes made so far,
   * except the newest segment, which a later clean deletes once a newer one
   * exists. Resolves with how many were deleted.
   */
  clean(threshold: WalCleanThreshold): Promise<number> {
    let isObsolete: (segment: SegmentName) => boolean
    if ('beforeTimeMs' in threshold) {
      const { beforeTimeMs } = threshold
      isObsolete = (segment) => segment.endMs <= beforeTimeMs
    } else {
      const before = parseSegmentName(threshold.before.segment)
      if (before === null) return Promise.reject(new RangeError(`threshold.before.segment must name a segment, got ${JSON.stringify(threshold.before.segment)}`))
      isObsolete = (segment) => segment.sequence < before.sequence
    }
    return this.#queue.run(async () => {
      // The newest segment stays, so that sequence numbers keep increasing across restarts and positions keep their order.
      const obsolete = (await this.#listSegments()).slice(0, -1).filter(isObsolete)
      let deleted = 0
      for (const segment of obsolete) {
        if (await removeQuietly(join(this.directory, segment.name), SOURCE)) deleted++
      }
      if (deleted > 0) {
        logger.info(SOURCE, `Deleted ${deleted} old segments from ${this.directory}`)
        // Best effort: a deletion lost in a crash leaves a segment the next clean deletes.
        await syncDirectory(this.directory).catch((error: unknown) => logger.warn(SOURCE, `Could not sync ${this.directory}: ${describeIoError(error)}`))
      }
      return deleted
    })
  }

  /** Waits for the writes made so far, closes the current segment and refuses new writes. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true
    await this.#queue.run(() => this.#closeActive())
  }

  /** Writes and syncs every pending write, as few writes and syncs as segments allow. Settles each write's promise; never throws. */
  async #flushPending(): Promise<void> {
    this.#flushQueued = false
    const group = this.#pending
    this.#pending = []
    try {
      await this.#writeGroup(group)
    } catch (error) {
      // A bug, not an I/O failure (those are handled per batch): fail the writes rather than leave them waiting.
      for (const write of group) write.reject(error instanceof Error ? error : new Error(String(error)))
    }
  }

  async #writeGroup(group: readonly PendingWrite[]): Promise<void> {
    let next = 0
    while (next < group.length) {
      const first = group[next] as PendingWrite
      let segment: ActiveSegment
      try {
        segment = await this.#segmentFor(first)
      } catch (error) {
        first.reject(ioFailure('Starting a write-ahead log segment in', this.directory, error))
        next++
        continue
      }
      const batch = [first]
      let end = segment.size + first.frame.byteLength
      for (next++; next < group.length; next++) {
        const write = group[next] as PendingWrite
        if (!this.#fits(segment, write, end + write.frame.byteLength)) break
        batch.push(write)
        end += write.frame.byteLength
      }
      await this.#append(segment, batch)
    }
  }

  async #append(segment: ActiveSegment, batch: readonly PendingWrite[]): Promise<void> {
    const path = join(this.directory, segment.name)
    const start = segment.size
    try {
      await writeFully(segment.handle, batch.length === 1 ? (batch[0] as PendingWrite).frame : Buffer.concat(batch.map((write) => write.frame)), start)
      await segment.handle.datasync()
    } catch (error) {
      const records = batch.length === 1 ? '1 record' : `${batch.length} records`
      const failure = new CheckpointError(`Writing ${records} to the write-ahead log segment ${path} failed: ${describeIoError(error)}`, { cause: error })
      for (const write of batch) write.reject(failure)
      // Cut off what may have been half written, so the segment ends at its last durable record; the next write starts a new segment.
      await segment.handle.truncate(start).catch(() => undefined)
      await this.#closeActive()
      return
    }
    let offset = start
    for (const write of batch) {
      write.resolve({ segment: segment.name, offset, length: write.frame.byteLength - RECORD_HEADER_BYTES })
      offset += write.frame.byteLength
    }
    segment.size = offset
  }

  /** Whether `write` goes into `segment` when the segment would end at `endWithIt` with it. */
  #fits(segment: ActiveSegment, write: PendingWrite, endWithIt: number): boolean {
    const inInterval = write.timeMs >= segment.startMs && write.timeMs < segment.endMs
    // A record too large for any segment goes alone into a new one.
    const isFirst = endWithIt - write.frame.byteLength === SEGMENT_HEADER_BYTES
    return inInterval && (endWithIt <= this.#maxSegmentBytes || isFirst)
  }

  async #segmentFor(write: PendingWrite): Promise<ActiveSegment> {
    const active = this.#active
    if (active !== null && this.#fits(active, write, active.size + write.frame.byteLength)) return active
    await this.#closeActive()
    await ensureDirectory(this.directory)
    this.#nextSequence ??= 1 + Math.max(0, ...(await this.#listSegments()).map((segment) => segment.sequence))
    const name: SegmentName = { sequence: this.#nextSequence++, startMs: write.timeMs, endMs: write.timeMs + this.#rollingIntervalMs }
    const path = join(this.directory, segmentName(name))
    const handle = await open(path, 'wx', 0o600)
    try {
      await writeFully(handle, segmentHeader(), 0)
      await handle.datasync()
      await syncDirectory(this.directory)
    } catch (error) {
      await handle.close().catch(() => undefined)
      await removeQuietly(path, SOURCE)
      throw error
    }
    this.#active = { ...name, name: segmentName(name), handle, size: SEGMENT_HEADER_BYTES }
    return this.#active
  }

  async #closeActive(): Promise<void> {
    const active = this.#active
    this.#active = null
    // Everything in it was synced when its write resolved; a failing close loses nothing.
    await active?.handle.close().catch((error: unknown) => logger.warn(SOURCE, `Could not close ${join(this.directory, active.name)}: ${describeIoError(error)}`))
  }

  async #listSegments(): Promise<(SegmentName & { name: string })[]> {
    let names: string[]
    try {
      names = await readdir(this.directory)
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return []
      throw ioFailure('Listing write-ahead log directory', this.directory, error)
    }
    return names
      .flatMap((name) => {
        const parsed = parseSegmentName(name)
        return parsed === null ? [] : [{ ...parsed, name }]
      })
      .sort((a, b) => a.sequence - b.sequence)
  }
}
