import { IllegalStateError } from '../common/errors.js'

/**
 * What a receiver sees of the system, and nothing more: Spark's
 * `ReceiverSupervisor` narrowed to the calls a `Receiver` makes. The
 * supervisor of the receiver's stream implements it; a receiver never holds
 * the StreamingContext.
 */
export interface ReceiverSupervisorLink<T> {
  readonly streamId: number
  /** The stream the receiver feeds, for messages (`SocketInputDStream[0] at socketTextStream at app.ts:12:8`). */
  readonly streamName: string
  /** Accepts records into the current block; resolves once `spark.streaming.receiver.maxRate` lets them all in. */
  pushItems(items: readonly T[]): Promise<void>
  /** Accepts UTF-8 text of whole lines, which the workers split; `lines` is how many it holds. */
  pushText(bytes: Uint8Array, lines: number): Promise<void>
  reportError(message: string, error: unknown): void
  restartReceiver(message: string, error: unknown, delayMs: number | undefined): void
  stopReceiver(message: string, error: unknown): void
  isReceiverStarted(): boolean
  isReceiverStopped(): boolean
}

const links = new WeakMap<Receiver<unknown>, ReceiverSupervisorLink<unknown>>()

/**
 * A source of records that runs on the driver, as Spark's `Receiver`:
 * subclass it, start asynchronous I/O in `onStart`, hand records to
 * `store`, and release everything in `onStop`. Give an instance to
 * `ssc.receiverStream(receiver)`; the stream's supervisor calls `onStart`
 * when the StreamingContext starts and `onStop` when it stops or when the
 * receiver asks to be restarted.
 *
 * Stored records are grouped into a block every
 * `spark.streaming.blockInterval`; each batch's RDD holds the blocks received
 * up to its batch time, one partition per block.
 *
 * Contract:
 * - `onStart` must not block: it starts I/O (sockets, timers, subscriptions)
 *   and returns. If it throws (or the promise it returns rejects), the error
 *   is reported to listeners (`onReceiverError`) and the receiver restarted
 *   after `spark.streaming.receiverRestartDelay` (default 2 s).
 * - `onStop` releases what `onStart` acquired; the receiver may be started
 *   again afterwards (a restart), so keep no state that forbids it.
 * - Failures while receiving go to `restart(message, error)` (stop, wait,
 *   start again) or `reportError(message, error)` (carry on); either one
 *   posts `onReceiverError`. Nothing a receiver throws stops the context.
 *
 * @example
 * class Ticks extends Receiver<number> {
 *   #timer: NodeJS.Timeout | undefined
 *   onStart() {
 *     let n = 0
 *     this.#timer = setInterval(() => void this.store(n++), 10)
 *   }
 *   onStop() {
 *     clearInterval(this.#timer)
 *   }
 * }
 * ssc.receiverStream(new Ticks()).count().print()
 */
export abstract class Receiver<T> {
  /** Starts receiving: begin asynchronous I/O and return without waiting for data. */
  abstract onStart(): void | Promise<void>

  /** Stops receiving: close what `onStart` opened. */
  abstract onStop(): void | Promise<void>

  /** The id of the input stream this receiver feeds (Spark's `streamId`). */
  get streamId(): number {
    return this.#link('streamId').streamId
  }

  /**
   * Stores one record, or every record of an array, into the stream. The
   * promise resolves once the records are accepted: at once, unless
   * `spark.streaming.receiver.maxRate` holds them back, in which case a
   * receiver that awaits it slows its source down instead of buffering.
   * To store one record that is itself an array, wrap it: `store([row])`.
   */
  store(data: T | readonly T[]): Promise<void> {
    return this.#link('store').pushItems(Array.isArray(data) ? (data as readonly T[]) : [data as T])
  }

  /**
   * Stores UTF-8 text made of whole lines (each ending with `\n`; a `\r`
   * before it is dropped) as records of the stream, one per line. The
   * driver keeps the bytes as they are and the workers decode and split
   * them, so a text receiver does no per-line work on the driver. Give
   * `lineCount` when it is already known, to save counting the newlines.
   */
  storeText(this: Receiver<string>, bytes: Uint8Array, lineCount = countLines(bytes)): Promise<void> {
    return (this.#link('storeText') as ReceiverSupervisorLink<string>).pushText(bytes, lineCount)
  }

  /**
   * Stops the receiver (`onStop`) and starts it again (`onStart`) after
   * `delayMs` (default `spark.streaming.receiverRestartDelay`, 2 s).
   * Listeners get `onReceiverError` with `message` and `error`.
   */
  restart(message: string, error?: unknown, delayMs?: number): void {
    if (delayMs !== undefined && !(Number.isFinite(delayMs) && delayMs >= 0)) {
      throw new RangeError(`restart delayMs must be a non-negative number of milliseconds, got ${delayMs}`)
    }
    this.#link('restart').restartReceiver(message, error, delayMs)
  }

  /** Stops the receiver for good; records already stored still reach their batches. */
  stop(message: string, error?: unknown): void {
    this.#link('stop').stopReceiver(message, error)
  }

  /** Reports a problem to listeners (`onReceiverError`) and the log, and carries on receiving. */
  reportError(message: string, error?: unknown): void {
    this.#link('reportError').reportError(message, error)
  }

  /** True between `onStart` and `onStop`. */
  isStarted(): boolean {
    return links.get(this)?.isReceiverStarted() ?? false
  }

  /** True once stopped (by the context, by `stop`, or while waiting to restart); loops in a receiver end when this is true. */
  isStopped(): boolean {
    return links.get(this)?.isReceiverStopped() ?? false
  }

  #link(method: string): ReceiverSupervisorLink<T> {
    const link = links.get(this) as ReceiverSupervisorLink<T> | undefined
    if (link === undefined) {
      throw new IllegalStateError(`${this.constructor.name}.${method}() was called before the receiver was given to a stream; pass it to ssc.receiverStream(receiver) and call ${method} from onStart onwards`)
    }
    return link
  }
}

/** Connects a receiver to its stream's supervisor; a receiver instance feeds one stream only. */
export function attachReceiver<T>(receiver: Receiver<T>, link: ReceiverSupervisorLink<T>): void {
  const existing = links.get(receiver)
  if (existing !== undefined) {
    throw new IllegalStateError(`This ${receiver.constructor.name} already feeds ${existing.streamName}; a Receiver instance feeds one stream, so create a new one for each receiverStream`)
  }
  links.set(receiver, link as ReceiverSupervisorLink<unknown>)
}

/** The name of the stream a receiver feeds, for the messages of receivers in this folder. */
export function streamNameOf(receiver: Receiver<unknown>): string {
  return links.get(receiver)?.streamName ?? `${receiver.constructor.name} (not attached to a stream)`
}

/** The lines of whole-line UTF-8 text: its newlines, plus one for a last line without one. */
export function countLines(bytes: Uint8Array): number {
  let lines = 0
  let at = bytes.indexOf(0x0a)
  while (at !== -1) {
    lines++
    at = bytes.indexOf(0x0a, at + 1)
  }
  return bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a ? lines + 1 : lines
}
