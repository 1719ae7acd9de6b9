import { readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

import fg from 'fast-glob'

import { SluiceError } from '../../common/errors.js'
import { formatError } from '../../common/format-error.js'
import { logger } from '../../common/logger.js'
import type { Time } from '../../common/time.js'
import type { RDD } from '../../rdd/index.js'
import type { StreamingContext } from '../streaming-context.js'
import type { ReplayableInput } from '../checkpoint-hooks.js'
import { InputDStream } from './internal.js'

export interface FileStreamOptions {
  /** Which files to read, asked with each file's absolute path; names starting with `.` or `_` are skipped first. */
  readonly filter?: (path: string) => boolean
  /** Skip the files already in the directory when the context starts (default true). */
  readonly newFilesOnly?: boolean
}

/** Spark's setting for how long selected files are remembered; a plain number is seconds, as in Spark. */
const MIN_REMEMBER_DURATION_KEY = 'spark.streaming.fileStream.minRememberDuration'
const DEFAULT_MIN_REMEMBER_MS = 60_000

interface ListedFile {
  readonly path: string
  readonly mtimeMs: number
  readonly size: number
}

/**
 * `ssc.textFileStream(directory)`: the lines of the files that appear in a
 * directory, each file read once, in the batch in which it appeared. As in
 * Spark's FileInputDStream, "appeared" is decided by modification time
 * against batch times (the context's clock, so a ManualClock places them):
 *
 * - the batch at `t` selects the files with `threshold < mtime <= t` that no
 *   remembered batch selected, where `threshold` is the trailing end of the
 *   remember window (`t - W`, W = `spark.streaming.fileStream.minRememberDuration`,
 *   60 s, rounded up to whole batches) and, with `newFilesOnly`, never before
 *   the clock's time at start. A file moved in with an older mtime is still
 *   taken by the next batch, as long as that mtime is inside the window;
 * - a file whose mtime is after `t` waits for a later batch (it was written
 *   while batch `t` was being generated);
 * - names starting with `.` or `_` are skipped (Hadoop's hidden files), then
 *   `filter` decides; only plain files directly in `directory` are read.
 *
 * Writers must move complete files in atomically (write `.name.tmp` in the
 * same directory, then rename it): a file is read with the size it has when
 * its batch is generated, and changes after that are ignored, as in Spark.
 *
 * Two choices differ from Spark. With `newFilesOnly: false` the first batch
 * takes every file already there, however old (Spark takes only those inside
 * the window). And a selected file stays remembered past the window while its
 * mtime is still inside it, so a file modified after being read is never
 * read again (Spark may read it again once its batch leaves the window).
 *
 * Users create it with {@link StreamingContext.textFileStream}.
 */
export class FileInputDStream extends InputDStream<string> implements ReplayableInput {
  readonly directory: string
  readonly #filter: (path: string) => boolean
  readonly #newFilesOnly: boolean
  readonly #rememberMs: number
  /** Path → batch time (ms) that selected it: Spark's recentlySelectedFiles with batchTimeToSelectedFiles. */
  readonly #selected = new Map<string, number>()
  #startTimeMs: number | null = null
  #hasListed = false
  /** The files each batch took, until a checkpoint has recorded them. */
  readonly #batchFiles = new Map<number, string[]>()
  /** Batches to run again after recovery, with the files they took before. */
  readonly #replays = new Map<number, string[]>()

  constructor(context: StreamingContext, directory: string, options: FileStreamOptions) {
    // Checked before super(), which adds the stream to the context's graph.
    if (typeof directory !== 'string' || directory === '') throw new TypeError(`textFileStream needs a directory path, got ${JSON.stringify(directory)}`)
    const { filter, newFilesOnly = true } = options ?? {}
    if (filter !== undefined && typeof filter !== 'function') throw new TypeError(`options.filter of textFileStream must be a function (path) => boolean, got ${typeof filter}`)
    if (typeof newFilesOnly !== 'boolean') throw new TypeError(`options.newFilesOnly of textFileStream must be a boolean, got ${typeof newFilesOnly}`)
    const minRememberMs = parseMinRemember(context.sparkContext.getConf().getOption(MIN_REMEMBER_DURATION_KEY))
    super(context, 'textFileStream')
    this.directory = resolve(directory)
    this.#filter = filter ?? (() => true)
    this.#newFilesOnly = newFilesOnly
    const batchMs = this.slideDuration.milliseconds
    this.#rememberMs = Math.ceil(minRememberMs / batchMs) * batchMs
  }

  /** The files selected by the remembered batches, with the batch time (ms) that read each: for checkpoints and tests. */
  get rememberedFiles(): ReadonlyMap<string, number> {
    return this.#selected
  }

  /** With newFilesOnly, files modified before the context started are not new. */
  override async start(): Promise<void> {
    this.#startTimeMs ??= this.context.clock.getTimeMillis()
  }

  // ---- checkpoints (ReplayableInput) ----

  inputProgress(): unknown {
    return { startTimeMs: this.#startTimeMs, hasListed: this.#hasListed, selected: [...this.#selected] }
  }

  restoreInputProgress(progress: unknown): void {
    const { startTimeMs, hasListed, selected } = progress as { startTimeMs: number | null; hasListed: boolean; selected: [string, number][] }
    this.#startTimeMs = startTimeMs
    this.#hasListed = hasListed
    for (const [path, batchTime] of selected) this.#selected.set(path, batchTime)
  }

  batchInput(timeMs: number): unknown {
    const files = this.#batchFiles.get(timeMs) ?? []
    this.#batchFiles.delete(timeMs)
    return files
  }

  replayBatch(timeMs: number, input: unknown): void {
    this.#replays.set(timeMs, input as string[])
  }

  compute(time: Time): RDD<string> {
    // Spark's FileInputDStream reports 0 records: a batch's lines are known only once workers read its files.
    this.context.reportInput(this, time, 0)
    const sc = this.context.sparkContext
    const replayed = this.#replays.get(time.milliseconds)
    if (replayed !== undefined) {
      // A batch run again after recovery reads the files it read before; they are already remembered.
      this.#replays.delete(time.milliseconds)
      this.#batchFiles.set(time.milliseconds, replayed)
      return replayed.length === 0 ? sc.emptyRDD<string>() : sc.textFile(replayed)
    }
    const listing = this.#list(time)
    if (listing === null) return sc.emptyRDD<string>()
    const threshold = this.#ignoreThreshold(time)
    this.#hasListed = true
    this.#forget(time, threshold, listing)

    let selected: ListedFile[]
    try {
      selected = listing.filter((file) => file.mtimeMs > threshold && file.mtimeMs <= time.milliseconds && !this.#selected.has(file.path) && this.#filter(file.path))
    } catch (error) {
      this.#report(time, new SluiceError(`The filter of textFileStream(${this.directory}) threw at batch ${time}; no file was taken, the next batch tries again. Fix the filter`, { cause: error }))
      return sc.emptyRDD<string>()
    }
    selected.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    if (selected.length > 0) logger.info('FileInputDStream', `New files at time ${time}: ${selected.map((file) => file.path).join(', ')}`)

    for (const file of selected) {
      // Spark logs this too: an empty file is most often one that is still being written in place.
      if (file.size === 0) logger.warn('FileInputDStream', `File ${file.path} is empty; textFileStream reads each file once, so write files elsewhere and move them into ${this.directory} when complete`)
    }
    let rdd: RDD<string>
    try {
      rdd = selected.length === 0 ? sc.emptyRDD<string>() : sc.textFile(selected.map((file) => file.path))
      // Fixes the byte ranges now, so the batch holds each file as it is when selected.
      rdd.getNumPartitions()
    } catch (error) {
      this.#report(time, new SluiceError(`Cannot read the new files of textFileStream(${this.directory}) at batch ${time}: ${formatError(error)}; the next batch tries again`, { cause: error }))
      return sc.emptyRDD<string>()
    }
    for (const file of selected) this.#selected.set(file.path, time.milliseconds)
    this.#batchFiles.set(time.milliseconds, selected.map((file) => file.path))
    return rdd
  }

  /** Files at or below the threshold are taken to be already read, or (with newFilesOnly) there before start. */
  #ignoreThreshold(time: Time): number {
    if (!this.#newFilesOnly && !this.#hasListed) return Number.NEGATIVE_INFINITY
    const initial = this.#newFilesOnly ? (this.#startTimeMs ?? this.zeroTime.milliseconds) : Number.NEGATIVE_INFINITY
    return Math.max(initial, time.milliseconds - this.#rememberMs)
  }

  /** Drops files selected before the window, unless they are still there with an mtime inside it (modified after being read). */
  #forget(time: Time, threshold: number, listing: readonly ListedFile[]): void {
    const windowStart = time.milliseconds - this.#rememberMs
    const mtimes = new Map(listing.map((file) => [file.path, file.mtimeMs]))
    for (const [path, selectedAt] of this.#selected) {
      if (selectedAt > windowStart) continue
      const mtime = mtimes.get(path)
      if (mtime === undefined || mtime <= threshold) this.#selected.delete(path)
    }
  }

  /** The plain files directly in the directory, except hidden ones; null (reported) when it cannot be listed. */
  #list(time: Time): ListedFile[] | null {
    let entries
    try {
      entries = readdirSync(this.directory, { withFileTypes: true })
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      const problem =
        code === 'ENOENT'
          ? `Directory ${this.directory} of textFileStream does not exist at batch ${time}; create it (mkdir -p ${this.directory}), the stream reads it from the next batch on`
          : code === 'ENOTDIR'
            ? `${this.directory} given to textFileStream is not a directory (batch ${time}); give the directory that files are moved into`
            : `Cannot list directory ${this.directory} of textFileStream at batch ${time} (${code ?? 'error'}); check that it is readable`
      this.#report(time, new SluiceError(problem, { cause: error }))
      return null
    }
    const files: ListedFile[] = []
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name.startsWith('_') || entry.isDirectory()) continue
      const path = join(this.directory, entry.name)
      // Follows symbolic links; a file removed since readdir is simply not there.
      const stats = statSync(path, { throwIfNoEntry: false })
      if (stats?.isFile() === true) files.push({ path, mtimeMs: stats.mtimeMs, size: stats.size })
    }
    return files
  }

  /** A failure to read input fails no batch: it is reported (awaitTermination rejects) and the batch runs without those files. */
  #report(time: Time, error: SluiceError): void {
    this.context.reportError(`Error finding new files of ${this} for time ${time}`, error)
  }
}

function parseMinRemember(value: string | null): number {
  if (value === null) return DEFAULT_MIN_REMEMBER_MS
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?\s*$/i.exec(value)
  if (match === null || Number(match[1]) <= 0) {
    throw new RangeError(`${MIN_REMEMBER_DURATION_KEY} must be a positive duration such as 60s, 2min or 90000ms, got ${JSON.stringify(value)}`)
  }
  const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 }
  return Number(match[1]) * (unitMs[(match[2] ?? 's').toLowerCase()] ?? 1000)
}
