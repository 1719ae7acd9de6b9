import type { Clock } from '../common/clock.js'
import { formatError } from '../common/format-error.js'
import { logger } from '../common/logger.js'
import type { SparkConf } from '../common/spark-conf.js'
import type { WalPosition } from '../recovery/index.js'
import { type Block, BlockGenerator } from './block-generator.js'
import { attachReceiver, type Receiver, type ReceiverSupervisorLink } from './receiver.js'

/** A receiver's status as listeners see it (the streaming listener's `ReceiverInfo`). */
export interface ReceiverStatus {
  readonly streamId: number
  readonly name: string
  readonly active: boolean
  readonly lastErrorMessage: string
  readonly lastError: string
  /** When the last error was reported, in the driver clock's ms; -1 if none. */
  readonly lastErrorTime: number
}

export type ReceiverEventKind = 'onReceiverStarted' | 'onReceiverError' | 'onReceiverStopped'

/** The receiver settings of a SparkConf, read once when the stream is defined. */
export interface ReceiverSettings {
  readonly blockIntervalMs: number
  readonly maxRatePerSecond: number
  readonly restartDelayMs: number
}

export const DEFAULT_RECEIVER_SETTINGS: ReceiverSettings = { blockIntervalMs: 200, maxRatePerSecond: Number.POSITIVE_INFINITY, restartDelayMs: 2000 }

/** Reads `spark.streaming.blockInterval`, `spark.streaming.receiver.maxRate` and `spark.streaming.receiverRestartDelay`. */
export function readReceiverSettings(conf: SparkConf): ReceiverSettings {
  const blockIntervalMs = timeSetting(conf, 'spark.streaming.blockInterval', DEFAULT_RECEIVER_SETTINGS.blockIntervalMs)
  if (blockIntervalMs <= 0) throw new RangeError(`spark.streaming.blockInterval must be positive, got ${JSON.stringify(conf.getOption('spark.streaming.blockInterval'))}; use for example "200ms"`)
  const rawRate = conf.getOption('spark.streaming.receiver.maxRate')
  const rate = rawRate === null ? Number.POSITIVE_INFINITY : Number(rawRate)
  if (Number.isNaN(rate) || rawRate?.trim() === '') {
    throw new RangeError(`spark.streaming.receiver.maxRate must be a number of records per second, got ${JSON.stringify(rawRate)}; use for example "1000", or leave it unset for no limit`)
  }
  return {
    blockIntervalMs,
    // As in Spark, zero or a negative rate means no limit.
    maxRatePerSecond: rate > 0 ? rate : Number.POSITIVE_INFINITY,
    restartDelayMs: timeSetting(conf, 'spark.streaming.receiverRestartDelay', DEFAULT_RECEIVER_SETTINGS.restartDelayMs),
  }
}

const TIME_UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 }

/** A time setting in Spark's syntax: `"200ms"`, `"1s"`, `"2min"`, or a plain number of milliseconds. */
function timeSetting(conf: SparkConf, key: string, defaultMs: number): number {
  const raw = conf.getOption(key)
  if (raw === null) return defaultMs
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?\s*$/i.exec(raw)
  if (match === null) throw new RangeError(`${key} must be a duration such as "200ms", "1s" or a number of milliseconds, got ${JSON.stringify(raw)}`)
  return Math.round(Number(match[1]) * (TIME_UNITS_MS[(match[2] ?? 'ms').toLowerCase()] ?? 1))
}

export interface ReceiverSupervisorOptions {
  readonly streamId: number
  /** The stream the receiver feeds, for messages. */
  readonly streamName: string
  readonly clock: Clock
  readonly settings: ReceiverSettings
  /** Delivers receiver events to the streaming listeners. */
  readonly post: (kind: ReceiverEventKind, status: ReceiverStatus) => void
  /** With a write-ahead log: writes a block to it (see BlockGeneratorOptions.logBlock). */
  readonly logBlock?: (block: Block) => Promise<WalPosition>
}

/**
 * Runs one receiver on the driver, as Spark's ReceiverSupervisor: starts
 * and stops it, restarts it on request after a delay, turns its errors into
 * listener events and log lines, and passes what it stores to the stream's
 * BlockGenerator. The receiver's failures stay here: a throwing `onStart`
 * or `onStop` is reported, never thrown into the StreamingContext.
 */
export class ReceiverSupervisor<T> implements ReceiverSupervisorLink<T> {
  readonly streamId: number
  readonly streamName: string
  readonly generator: BlockGenerator<T>
  readonly #receiver: Receiver<T>
  readonly #options: ReceiverSupervisorOptions
  readonly #receiverName: string
  #receiverState: 'Initialized' | 'Started' | 'Stopped' = 'Initialized'
  #stopped = false
  #restarting = false
  #restartTimer: NodeJS.Timeout | null = null
  /** Counts starts, so that a late rejection of an earlier `onStart` is not taken for the current one. */
  #epoch = 0
  #stopping: Promise<void> = Promise.resolve()
  #status: ReceiverStatus

  constructor(receiver: Receiver<T>, options: ReceiverSupervisorOptions) {
    this.streamId = options.streamId
    this.streamName = options.streamName
    this.#receiver = receiver
    this.#options = options
    this.#receiverName = `${receiver.constructor.name}-${options.streamId}`
    this.#status = { streamId: options.streamId, name: this.#receiverName, active: false, lastErrorMessage: '', lastError: '', lastErrorTime: -1 }
    this.generator = new BlockGenerator<T>({
      blockIntervalMs: options.settings.blockIntervalMs,
      maxRatePerSecond: options.settings.maxRatePerSecond,
      clock: options.clock,
      source: `${this.#receiverName} of ${options.streamName}`,
      reportError: (message, error) => this.reportError(message, error),
      logBlock: options.logBlock,
    })
    attachReceiver(receiver, this)
  }

  /** Starts the block generator, then the receiver. */
  start(): void {
    if (this.#stopped || this.#receiverState !== 'Initialized') return
    this.generator.start()
    this.#startReceiver()
  }

  /** Stops the receiver and the block generator; the blocks not yet taken stay for a last batch. */
  async stop(message: string): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    if (this.#restartTimer !== null) clearTimeout(this.#restartTimer)
    this.#restartTimer = null
    await this.#stopReceiver(message, undefined)
    await this.generator.stop()
  }

  // ---- the receiver's side (ReceiverSupervisorLink) ----

  pushItems(items: readonly T[]): Promise<void> {
    return this.generator.addItems(items)
  }

  pushText(bytes: Uint8Array, lines: number): Promise<void> {
    return this.generator.addText(bytes, lines)
  }

  reportError(message: string, error: unknown): void {
    this.#recordError(message, error)
    logger.warn('ReceiverSupervisor', `Error reported by receiver ${this.#receiverName} for ${this.streamName}: ${message}${describeError(error)}`)
  }

  restartReceiver(message: string, error: unknown, delayMs: number | undefined): void {
    if (this.#stopped || this.#restarting) return
    this.#restarting = true
    const delay = delayMs ?? this.#options.settings.restartDelayMs
    this.#recordError(message, error)
    logger.warn('ReceiverSupervisor', `Restarting receiver ${this.#receiverName} in ${delay} ms: ${message}${describeError(error)}`)
    void this.#stopReceiver(message, error).then(() => {
      if (this.#stopped) return
      this.#restartTimer = setTimeout(() => {
        this.#restartTimer = null
        this.#restarting = false
        this.#startReceiver()
      }, delay)
    })
  }

  stopReceiver(message: string, error: unknown): void {
    if (this.#restartTimer !== null) clearTimeout(this.#restartTimer)
    this.#restartTimer = null
    this.#restarting = false
    if (error !== undefined) this.#recordError(message, error)
    logger.info('ReceiverSupervisor', `Receiver ${this.#receiverName} of ${this.streamName} asked to stop: ${message}${describeError(error)}`)
    void this.#stopReceiver(message, error)
  }

  isReceiverStarted(): boolean {
    return this.#receiverState === 'Started'
  }

  isReceiverStopped(): boolean {
    return this.#receiverState === 'Stopped'
  }

  // ---- lifecycle ----

  #startReceiver(): void {
    if (this.#stopped) return
    const epoch = ++this.#epoch
    this.#receiverState = 'Started'
    this.#status = { ...this.#status, active: true }
    this.#options.post('onReceiverStarted', this.#status)
    logger.info('ReceiverSupervisor', `Started receiver ${this.#receiverName} of ${this.streamName}`)
    const failed = (error: unknown): void => {
      if (epoch !== this.#epoch || this.#receiverState !== 'Started') return
      this.restartReceiver(`${this.#receiverName}.onStart() failed`, error, undefined)
    }
    try {
      const started = this.#receiver.onStart()
      if (isThenable(started)) started.then(undefined, failed)
    } catch (error) {
      failed(error)
    }
  }

  /** Calls `onStop` once per start; resolves when it has returned (or its promise settled). */
  #stopReceiver(message: string, error: unknown): Promise<void> {
    if (this.#receiverState !== 'Started') return this.#stopping
    this.#receiverState = 'Stopped'
    this.#epoch++
    this.#stopping = (async () => {
      try {
        await this.#receiver.onStop()
      } catch (stopError) {
        this.reportError(`${this.#receiverName}.onStop() failed`, stopError)
      }
      // As Spark's ReceiverTracker.deregisterReceiver: the stop's message is the status's last message.
      const hasError = error !== undefined
      this.#status = {
        ...this.#status,
        active: false,
        lastErrorMessage: message,
        lastError: hasError ? formatError(error) : '',
        lastErrorTime: hasError ? this.#options.clock.getTimeMillis() : -1,
      }
      this.#options.post('onReceiverStopped', this.#status)
      logger.info('ReceiverSupervisor', `Stopped receiver ${this.#receiverName} of ${this.streamName}: ${message}`)
    })()
    return this.#stopping
  }

  #recordError(message: string, error: unknown): void {
    this.#status = {
      ...this.#status,
      lastErrorMessage: message,
      lastError: error === undefined ? '' : formatError(error),
      lastErrorTime: this.#options.clock.getTimeMillis(),
    }
    this.#options.post('onReceiverError', this.#status)
  }
}

function describeError(error: unknown): string {
  if (error === undefined) return ''
  return ` - ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
}
