import { logger } from '../common/logger.js'
import { splitTextLines } from '../executor/text-lines.js'
import type { ChunkedAsyncIterable, SocketConverter, SocketConverterContext, SocketStreamOptions } from './socket-receiver.js'

export interface SocketLinesOptions {
  /** The longest line kept, in bytes; a longer one is reported and dropped. Default 64 MiB. */
  readonly maxLineBytes?: number
}

/** Options of `ssc.socketTextStream`: how lines are cut, and how the connection is retried. */
export interface SocketTextStreamOptions extends SocketLinesOptions, SocketStreamOptions {}

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024

const NEWLINE = 0x0a

/**
 * The converter of `socketTextStream`: UTF-8 text cut into lines at `\n`,
 * a `\r` before it dropped (so `\r\n` works too). A character split across
 * packets is decoded whole; a last line without a newline is delivered when
 * the connection closes. A line longer than `maxLineBytes` is never held in
 * memory whole: it is reported through the context, naming its length, and
 * dropped, and the lines after it arrive as usual.
 *
 * @example
 * ssc.socketStream('localhost', 9999, socketLines({ maxLineBytes: 1 << 20 }))
 */
export function socketLines(options: SocketLinesOptions = {}): SocketConverter<string> {
  if (typeof options !== 'object' || options === null) throw new TypeError(`socketLines options must be an object, got ${options === null ? 'null' : typeof options}`)
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES
  if (!Number.isInteger(maxLineBytes) || maxLineBytes <= 0) {
    throw new RangeError(`options.maxLineBytes must be a positive whole number of bytes, got ${String(maxLineBytes)}`)
  }
  const converter: SocketConverter<string> = (bytes, context) => linesOf(bytes, maxLineBytes, context)
  return Object.assign(converter, { [WHOLE_LINE_TEXT]: maxLineBytes })
}

/** Marks the converters of socketLines, whose receiver may store whole-line text instead of line records. */
const WHOLE_LINE_TEXT = Symbol('wholeLineText')

/** The maxLineBytes of a converter made by socketLines, or null for any other converter. */
export function wholeLineTextLimit(converter: SocketConverter<unknown>): number | null {
  const limit = (converter as { [WHOLE_LINE_TEXT]?: number })[WHOLE_LINE_TEXT]
  return limit ?? null
}

/** A run of whole lines, each ending with a newline, and how many there are. */
export interface LineText {
  readonly bytes: Uint8Array
  readonly lines: number
}

/**
 * What socketLines makes of a socket, as bytes: runs of whole lines that a
 * receiver stores with `storeText`, so the driver only finds line ends and
 * the workers decode. Same rules as socketLines: an over-long line is
 * reported and dropped, a last line without newline is delivered at the end.
 */
export async function* wholeLineText(bytes: AsyncIterable<Uint8Array>, maxLineBytes: number, context: SocketConverterContext): AsyncGenerator<LineText> {
  const reportOversized = oversizedReporter(maxLineBytes, context)
  const splitter = new LineTextSplitter(maxLineBytes, reportOversized)
  for await (const chunk of bytes) yield* splitter.push(chunk)
  yield* splitter.end()
}

function oversizedReporter(maxLineBytes: number, context: SocketConverterContext | undefined): (length: number) => void {
  const source = context?.source ?? 'a socket'
  return (length) => {
    const message = `Dropped a line of ${length} bytes from ${source}: it is longer than maxLineBytes (${maxLineBytes}); ` +
      'the lines around it are kept. Raise the maxLineBytes option if such lines are expected'
    if (context === undefined) logger.warn('socketLines', message)
    else context.reportError(message)
  }
}

function linesOf(bytes: AsyncIterable<Uint8Array>, maxLineBytes: number, context: SocketConverterContext | undefined): ChunkedAsyncIterable<string> {
  const reportOversized = oversizedReporter(maxLineBytes, context)
  async function* chunks(): AsyncGenerator<readonly string[]> {
    const splitter = new LineTextSplitter(maxLineBytes, reportOversized)
    for await (const chunk of bytes) {
      const lines = splitter.push(chunk).flatMap((run) => splitTextLines(run.bytes))
      if (lines.length > 0) yield lines
    }
    const last = splitter.end().flatMap((run) => splitTextLines(run.bytes))
    if (last.length > 0) yield last
  }
  return {
    chunks,
    async *[Symbol.asyncIterator]() {
      for await (const lines of chunks()) yield* lines
    },
  }
}

/**
 * Cuts a byte stream into runs of whole lines, as bytes: the complete lines
 * of each chunk go on as one run (a view of the chunk, not a copy) unless an
 * over-long line must be cut out of it; the unfinished tail is kept until
 * its newline comes. Each run is counted by its newlines.
 */
class LineTextSplitter {
  readonly #maxLineBytes: number
  readonly #reportOversized: (length: number) => void
  #tail: Uint8Array[] = []
  #tailBytes = 0
  /** Set while dropping an oversized line: the bytes of it seen so far. */
  #skippedBytes = -1

  constructor(maxLineBytes: number, reportOversized: (length: number) => void) {
    this.#maxLineBytes = maxLineBytes
    this.#reportOversized = reportOversized
  }

  push(chunk: Uint8Array): LineText[] {
    const runs: LineText[] = []
    let start = 0
    if (this.#skippedBytes >= 0) {
      const newline = chunk.indexOf(NEWLINE)
      if (newline === -1) {
        this.#skippedBytes += chunk.length
        return runs
      }
      this.#reportOversized(this.#skippedBytes + newline)
      this.#skippedBytes = -1
      start = newline + 1
    }
    const first = chunk.indexOf(NEWLINE, start)
    if (first === -1) {
      this.#append(chunk.subarray(start))
      return runs
    }
    const last = chunk.lastIndexOf(NEWLINE)
    if (this.#tailBytes === 0) {
      this.#runs(runs, chunk, start, last + 1)
    } else {
      // The tail and the chunk's first line make one line, in a copy; the rest of the chunk stays a view.
      const firstBytes = this.#tailBytes + first - start
      const piece = chunk.subarray(start, first + 1)
      if (firstBytes > this.#maxLineBytes) this.#reportOversized(firstBytes)
      else runs.push({ bytes: Buffer.concat([...this.#tail, piece], this.#tailBytes + piece.length), lines: 1 })
      this.#tail = []
      this.#tailBytes = 0
      if (last > first) this.#runs(runs, chunk, first + 1, last + 1)
    }
    this.#append(chunk.subarray(last + 1))
    return runs
  }

  /** The last line, newline-terminated, if the stream ended without a newline after it. */
  end(): LineText[] {
    if (this.#skippedBytes >= 0) {
      this.#reportOversized(this.#skippedBytes)
      this.#skippedBytes = -1
      return []
    }
    if (this.#tailBytes === 0) return []
    const line = Buffer.concat([...this.#tail, Buffer.from([NEWLINE])], this.#tailBytes + 1)
    this.#tail = []
    this.#tailBytes = 0
    return [{ bytes: line, lines: 1 }]
  }

  /** The whole lines of chunk[from, to), which ends with a newline: as few runs as the over-long lines in it allow. */
  #runs(runs: LineText[], chunk: Uint8Array, from: number, to: number): void {
    let runStart = from
    let lines = 0
    let lineStart = from
    for (let newline = chunk.indexOf(NEWLINE, from); newline !== -1 && newline < to; newline = chunk.indexOf(NEWLINE, lineStart)) {
      if (newline - lineStart > this.#maxLineBytes) {
        this.#reportOversized(newline - lineStart)
        if (lines > 0) runs.push({ bytes: chunk.subarray(runStart, lineStart), lines })
        runStart = newline + 1
        lines = 0
      } else {
        lines++
      }
      lineStart = newline + 1
    }
    if (lines > 0) runs.push({ bytes: chunk.subarray(runStart, to), lines })
  }

  #append(piece: Uint8Array): void {
    if (piece.length === 0) return
    if (this.#tailBytes + piece.length > this.#maxLineBytes) {
      this.#skippedBytes = this.#tailBytes + piece.length
      this.#tail = []
      this.#tailBytes = 0
      return
    }
    // A copy: the socket's chunk should not stay alive for a few bytes of it.
    this.#tail.push(new Uint8Array(piece))
    this.#tailBytes += piece.length
  }
}
