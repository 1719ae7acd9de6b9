import { connect, type Socket } from 'node:net'

import { logger } from '../common/logger.js'
import { ACCEPTED } from './block-generator.js'
import { Receiver, streamNameOf } from './receiver.js'
import { type LineText, wholeLineText, wholeLineTextLimit } from './socket-lines.js'

/** What a converter may use besides the bytes: where they come from, and where to report input it drops. */
export interface SocketConverterContext {
  /** The stream and the server, for messages: `SocketInputDStream[0] at socketTextStream at app.ts:12:8 (localhost:9999)`. */
  readonly source: string
  /** Reports input that was dropped (an `onReceiverError` event and a log line); reading carries on. */
  reportError(message: string, error?: unknown): void
}

/**
 * Spark's `socketStream` converter adapted to Node: turns the bytes of one
 * connection, as they arrive, into records. It runs on the driver.
 */
export type SocketConverter<T> = (bytes: AsyncIterable<Uint8Array>, context: SocketConverterContext) => AsyncIterable<T>

/**
 * An async iterable that can also hand out its items one array per chunk of
 * input. A receiver reading `chunks()` stores each chunk with one call, so
 * the hot path costs a promise per chunk, not one per record.
 */
export interface ChunkedAsyncIterable<T> extends AsyncIterable<T> {
  chunks(): AsyncIterable<readonly T[]>
}

export interface SocketStreamOptions {
  /** The first reconnection delay after the server refused or dropped the connection; it doubles on each failure. Default 100. */
  readonly reconnectDelayMs?: number
  /** The cap on the reconnection delay. Default 5000. */
  readonly maxReconnectDelayMs?: number
}

export const DEFAULT_SOCKET_STREAM_OPTIONS = { reconnectDelayMs: 100, maxReconnectDelayMs: 5000 } as const

interface Session {
  readonly socket: Socket
  /** Set when this side closed the connection (stop or restart): what the read loop sees next is not news. */
  closed: boolean
  connected: boolean
  socketError: Error | null
}

/**
 * Spark's SocketReceiver: a TCP client that reads `host:port` and stores
 * what `converter` makes of the bytes. When the server refuses the
 * connection, drops it, or closes it, the receiver reports it to listeners
 * and reconnects after a delay that starts at `reconnectDelayMs` and
 * doubles up to `maxReconnectDelayMs`, back to the start once records
 * arrive (so a server that accepts and drops at once is retried ever more
 * slowly, as is a converter that keeps throwing).
 * Reading waits for `store` to accept each chunk, so a maximum rate slows
 * the socket down (TCP back-pressure) instead of dropping records.
 */
export class SocketReceiver<T> extends Receiver<T> {
  readonly host: string
  readonly port: number
  readonly #converter: SocketConverter<T>
  readonly #reconnectDelayMs: number
  readonly #maxReconnectDelayMs: number
  #session: Session | null = null
  #failures = 0

  constructor(host: string, port: number, converter: SocketConverter<T>, options: SocketStreamOptions = {}) {
    super()
    this.host = host
    this.port = port
    this.#converter = converter
    const { reconnectDelayMs, maxReconnectDelayMs } = validateSocketStreamOptions(options)
    this.#reconnectDelayMs = reconnectDelayMs
    this.#maxReconnectDelayMs = maxReconnectDelayMs
  }

  onStart(): void {
    const socket = connect({ host: this.host, port: this.port })
    const session: Session = { socket, closed: false, connected: false, socketError: null }
    this.#session = session
    // The read loop sees socket errors too; this listener keeps an early one from being an unhandled 'error' event.
    socket.on('error', (error) => {
      session.socketError ??= error
    })
    socket.once('connect', () => {
      session.connected = true
      logger.info('SocketReceiver', `Connected to ${this.host}:${this.port} for ${streamNameOf(this)}`)
    })
    void this.#receive(session)
  }

  onStop(): void {
    const session = this.#session
    this.#session = null
    if (session === null) return
    session.closed = true
    session.socket.destroy()
  }

  async #receive(session: Session): Promise<void> {
    const where = `${this.host}:${this.port}`
    const context: SocketConverterContext = {
      source: `${streamNameOf(this)} (${where})`,
      reportError: (message, error) => this.reportError(message, error),
    }
    let failure: { error: unknown } | null = null
    try {
      const maxLineBytes = wholeLineTextLimit(this.#converter)
      const records = maxLineBytes === null ? this.#converter(session.socket, context) : null
      if (records === null) {
        // socketTextStream: whole lines stay bytes on the driver; the workers decode and split them.
        await this.#storeText(wholeLineText(session.socket, maxLineBytes as number, context), session)
      } else if (isChunked(records)) {
        for await (const chunk of records.chunks()) {
          if (session.closed) break
          if (chunk.length === 0) continue
          this.#failures = 0
          await this.store(chunk)
        }
      } else {
        await this.#storeGrouped(records, session)
      }
    } catch (error) {
      failure = { error }
    }
    if (session.closed) return
    const delay = this.#nextDelay()
    const stream = streamNameOf(this)
    if (failure === null) {
      this.restart(`${where} closed the connection of ${stream}; reconnecting`, undefined, delay)
    } else if (session.socketError !== null && !session.connected) {
      this.restart(`Cannot connect to ${where} for ${stream}; retrying`, failure.error, delay)
    } else if (session.socketError !== null) {
      this.restart(`Lost the connection to ${where} of ${stream}; reconnecting`, failure.error, delay)
    } else {
      this.restart(`The converter of ${stream} threw while reading ${where}; fix the converter; reconnecting`, failure.error, delay)
    }
  }

  async #storeText(runs: AsyncIterable<LineText>, session: Session): Promise<void> {
    const receiver = this as unknown as Receiver<string>
    for await (const run of runs) {
      if (session.closed) break
      this.#failures = 0
      await receiver.storeText(run.bytes, run.lines)
    }
  }

  /**
   * Stores the records of a converter without `chunks()`: the records that
   * arrive before the event loop moves on (in practice, those of one chunk)
   * go to `store` together, and reading waits only when `store` holds them.
   */
  async #storeGrouped(records: AsyncIterable<T>, session: Session): Promise<void> {
    let pending: T[] = []
    let scheduled: NodeJS.Immediate | null = null
    let accepting: Promise<void> = ACCEPTED
    const flush = (): void => {
      scheduled = null
      if (pending.length === 0 || session.closed) return
      const items = pending
      pending = []
      this.#failures = 0
      accepting = this.store(items)
    }
    try {
      for await (const record of records) {
        if (session.closed) break
        pending.push(record)
        scheduled ??= setImmediate(flush)
        if (accepting !== ACCEPTED) {
          const waitingFor = accepting
          await waitingFor
          if (accepting === waitingFor) accepting = ACCEPTED
        }
      }
    } finally {
      if (scheduled !== null) clearImmediate(scheduled)
      flush()
    }
    await accepting
  }

  #nextDelay(): number {
    const delay = Math.min(this.#maxReconnectDelayMs, this.#reconnectDelayMs * 2 ** this.#failures)
    this.#failures = Math.min(this.#failures + 1, 30)
    return delay
  }
}

function validateSocketStreamOptions(options: SocketStreamOptions): { reconnectDelayMs: number; maxReconnectDelayMs: number } {
  if (typeof options !== 'object' || options === null) throw new TypeError(`socket stream options must be an object, got ${options === null ? 'null' : typeof options}`)
  const reconnectDelayMs = options.reconnectDelayMs ?? DEFAULT_SOCKET_STREAM_OPTIONS.reconnectDelayMs
  const maxReconnectDelayMs = options.maxReconnectDelayMs ?? Math.max(reconnectDelayMs, DEFAULT_SOCKET_STREAM_OPTIONS.maxReconnectDelayMs)
  if (!Number.isInteger(reconnectDelayMs) || reconnectDelayMs < 0) {
    throw new RangeError(`options.reconnectDelayMs must be a whole number of milliseconds, at least 0, got ${String(reconnectDelayMs)}`)
  }
  if (!Number.isInteger(maxReconnectDelayMs) || maxReconnectDelayMs < reconnectDelayMs) {
    throw new RangeError(`options.maxReconnectDelayMs must be a whole number of milliseconds, at least reconnectDelayMs (${reconnectDelayMs}), got ${String(maxReconnectDelayMs)}`)
  }
  return { reconnectDelayMs, maxReconnectDelayMs }
}

function isChunked<T>(records: AsyncIterable<T>): records is ChunkedAsyncIterable<T> {
  return typeof (records as Partial<ChunkedAsyncIterable<T>>).chunks === 'function'
}
