import { join } from 'node:path'

import { CheckpointError, IllegalStateError } from '../../common/errors.js'
import { logger } from '../../common/logger.js'
import type { Time } from '../../common/time.js'
import { BlockRDD, type RDD } from '../../rdd/index.js'
import { compareWalPositions, type WalPosition, type WalRecord, WriteAheadLog } from '../../recovery/index.js'
import type { Block } from '../../receiver/block-generator.js'
import { Receiver } from '../../receiver/receiver.js'
import { readReceiverSettings, ReceiverSupervisor } from '../../receiver/receiver-supervisor.js'
import type { ReplayableInput } from '../checkpoint-hooks.js'
import type { StreamingContext } from '../streaming-context.js'
import { InputDStream } from './internal.js'

const WAL_ENABLE = 'spark.streaming.receiver.writeAheadLog.enable'
const WAL_ROLLING_INTERVAL = 'spark.streaming.receiver.writeAheadLog.rollingIntervalSecs'
/** A logged block: a format byte (0 records, 1 lines), the record count (uint32 big-endian), then the block's bytes. */
const LOGGED_BLOCK_HEADER_BYTES = 5

/**
 * The stream of a `Receiver` (`ssc.receiverStream`, `socketTextStream`,
 * `socketStream`), as Spark's ReceiverInputDStream: the receiver runs on
 * the driver from `start()` to `stop()` under a ReceiverSupervisor, which
 * groups what it stores into a block every `spark.streaming.blockInterval`.
 * The batch at time `t` is a BlockRDD over every block received up to `t`
 * and not taken by an earlier batch, one partition per block (none when
 * nothing arrived); its record count goes into the batch's BatchInfo.
 *
 * The context's clock moves block intervals and
 * `spark.streaming.receiver.maxRate`; restart and reconnection delays are
 * wall-clock time.
 *
 * With `spark.streaming.receiver.writeAheadLog.enable`, every block is
 * written to a write-ahead log in `<checkpoint>/receivedData/<input index>`
 * before a batch may take it; checkpoints keep the log positions of each
 * batch's blocks, so after a crash the batches run again with the same
 * blocks, and blocks logged but not yet taken go to the first new batch.
 */
export class ReceiverInputDStream<T> extends InputDStream<T> implements ReplayableInput {
  readonly receiver: Receiver<T>
  readonly #operation: string
  readonly #supervisor: ReceiverSupervisor<T>
  readonly #logEnabled: boolean
  readonly #rollingIntervalMs: number
  #log: WriteAheadLog | null = null
  /** The last logged block a batch took: every block logged before it was taken too. */
  #lastTaken: WalPosition | null = null
  /** The log positions of the blocks each batch took, in batch order, until no checkpoint refers to the batch. */
  readonly #batchBlocks = new Map<number, WalPosition[]>()
  /** Batches to run again after recovery: their blocks' positions, then the blocks once `recover` has read them. */
  readonly #replays = new Map<number, WalPosition[]>()
  readonly #replayBlocks = new Map<number, Block[]>()

  constructor(context: StreamingContext, receiver: Receiver<T>, operation = 'receiverStream') {
    super(context, operation)
    if (!(receiver instanceof Receiver)) {
      throw new TypeError(`${operation} needs an instance of a subclass of Receiver (class MyReceiver extends Receiver<T> { onStart() {...} onStop() {...} }), got ${describe(receiver)}`)
    }
    this.receiver = receiver
    this.#operation = operation
    const conf = context.sparkContext.getConf()
    this.#logEnabled = conf.getBoolean(WAL_ENABLE, false)
    const rollingSecs = Number(conf.get(WAL_ROLLING_INTERVAL, '60'))
    if (!(rollingSecs > 0)) throw new RangeError(`${WAL_ROLLING_INTERVAL} must be a positive number of seconds, got ${JSON.stringify(conf.get(WAL_ROLLING_INTERVAL, ''))}`)
    this.#rollingIntervalMs = Math.round(rollingSecs * 1000)
    this.#supervisor = new ReceiverSupervisor<T>(receiver, {
      streamId: this.id,
      streamName: this.toString(),
      clock: context.clock,
      settings: readReceiverSettings(conf),
      post: (kind, receiverInfo) => context.listenerBus.post({ kind, payload: { receiverInfo } }),
      logBlock: this.#logEnabled ? (block) => this.#openLog().write(encodeLoggedBlock(block), context.clock.getTimeMillis()) : undefined,
    })
  }

  /** Records the receiver has stored since start (not counting those `maxRate` still holds back). */
  get receivedRecords(): number {
    return this.#supervisor.generator.receivedRecords
  }

  /** Records given to `store` that `spark.streaming.receiver.maxRate` holds back for now. */
  get heldRecords(): number {
    return this.#supervisor.generator.heldRecords
  }

  override validateAtStart(): void {
    if (this.#logEnabled && this.context.checkpointDirectory === null) {
      throw new IllegalStateError(`${this} has ${WAL_ENABLE} set, which keeps received blocks in the checkpoint directory; call ssc.checkpoint(directory) before start()`)
    }
    super.validateAtStart()
  }

  override async start(): Promise<void> {
    this.#supervisor.start()
  }

  override async stop(): Promise<void> {
    await this.#supervisor.stop('Stopped by StreamingContext')
    await this.#log?.close()
  }

  override hasPendingData(): boolean {
    return this.#supervisor.generator.hasPendingData
  }

  compute(time: Time): RDD<T> {
    const replayed = this.#replayBlocks.get(time.milliseconds)
    this.#replayBlocks.delete(time.milliseconds)
    const blocks = replayed ?? this.#supervisor.generator.takeBlocks()
    if (this.#logEnabled) this.#noteTaken(time.milliseconds, blocks)
    let numRecords = 0
    for (const block of blocks) numRecords += block.numRecords
    this.context.reportInput(this, time, numRecords)
    const sc = this.context.sparkContext
    const records = blocks.filter((block) => block.format === 'records').map((block) => block.bytes)
    const text = blocks.filter((block) => block.format === 'lines').map((block) => block.bytes)
    if (text.length === 0) return new BlockRDD<T>(sc, records, null, this.#operation)
    const lines = new BlockRDD<T>(sc, text, null, this.#operation, 'lines')
    return records.length === 0 ? lines : sc.union(new BlockRDD<T>(sc, records, null, this.#operation), lines)
  }

  // ---- checkpoints (ReplayableInput): with a write-ahead log, batches keep the log positions of their blocks ----

  inputProgress(): unknown {
    return this.#lastTaken
  }

  restoreInputProgress(progress: unknown): void {
    this.#lastTaken = (progress as WalPosition | null | undefined) ?? null
  }

  batchInput(timeMs: number): unknown {
    return this.#logEnabled ? (this.#batchBlocks.get(timeMs) ?? []) : null
  }

  /** Without a write-ahead log a batch's blocks are not saved: a batch run again takes the blocks received since the restart. */
  replayBatch(timeMs: number, input: unknown): void {
    if (this.#logEnabled && Array.isArray(input)) this.#replays.set(timeMs, input as WalPosition[])
  }

  /** Reads the write-ahead log: the blocks of the batches to run again, and the blocks logged after the last one a batch took, which the next batch takes. */
  async recover(resuming: boolean): Promise<void> {
    if (!this.#logEnabled) return
    const log = this.#openLog()
    const records = await log.readAll()
    const last = records.at(-1)
    if (!resuming && last !== undefined) {
      // A context not made by getOrCreate starts afresh: what an earlier run logged is not this run's input.
      this.#lastTaken = last.position
      logger.warn('ReceiverInputDStream', `Ignored ${records.length} blocks that an earlier run left in the write-ahead log ${log.directory}; StreamingContext.getOrCreate recovers them`)
      return
    }
    const byPosition = new Map(records.map((record) => [positionKey(record.position), record]))
    let replayed = 0
    for (const [timeMs, positions] of this.#replays) {
      const blocks = positions.map((position) => {
        const record = byPosition.get(positionKey(position))
        if (record === undefined) {
          throw new CheckpointError(
            `The block of batch ${timeMs} ms at byte ${position.offset} of ${join(log.directory, position.segment)} is missing from the write-ahead log of ${this} ` +
              `(deleted, or damaged: see the warnings above), so that batch cannot run again with its input; restore the file, or move the checkpoint directory aside to start without its state`,
          )
        }
        return decodeLoggedBlock(record)
      })
      this.#replayBlocks.set(timeMs, blocks)
      replayed += blocks.length
    }
    this.#replays.clear()
    const lastTaken = this.#lastTaken
    const unprocessed = records.filter((record) => lastTaken === null || compareWalPositions(record.position, lastTaken) > 0).map(decodeLoggedBlock)
    this.#supervisor.generator.restoreBlocks(unprocessed)
    if (records.length > 0) {
      const numRecords = unprocessed.reduce((total, block) => total + block.numRecords, 0)
      logger.info('ReceiverInputDStream', `Read ${records.length} blocks of ${this} from its write-ahead log ${log.directory}: ${replayed} for batches to run again, ${unprocessed.length} not yet processed (${numRecords} records) for the next batch`)
    }
  }

  /** Deletes the log segments that only batches before `timeMs` used (whole segments, never the newest). */
  releaseBefore(timeMs: number): void {
    const log = this.#log
    if (log === null) return
    for (const batchTime of this.#batchBlocks.keys()) if (batchTime < timeMs) this.#batchBlocks.delete(batchTime)
    let oldestNeeded: WalPosition | null = null
    for (const positions of this.#batchBlocks.values()) {
      oldestNeeded = positions[0] ?? null
      if (oldestNeeded !== null) break
    }
    const before = oldestNeeded ?? this.#lastTaken
    if (before === null) return
    log.clean({ before }).catch((error: unknown) => logger.warn('ReceiverInputDStream', `Could not delete old write-ahead log segments of ${this}: ${String(error)}`))
  }

  #noteTaken(timeMs: number, blocks: readonly Block[]): void {
    const positions: WalPosition[] = []
    for (const block of blocks) if (block.position !== undefined) positions.push(block.position)
    this.#batchBlocks.set(timeMs, positions)
    const last = positions.at(-1)
    if (last !== undefined && (this.#lastTaken === null || compareWalPositions(last, this.#lastTaken) > 0)) this.#lastTaken = last
  }

  #openLog(): WriteAheadLog {
    if (this.#log !== null) return this.#log
    const checkpoint = this.context.checkpointDirectory
    if (checkpoint === null) throw new IllegalStateError(`${this} has ${WAL_ENABLE} set but no checkpoint directory; call ssc.checkpoint(directory) before start()`)
    const index = this.context.graph.inputStreams.indexOf(this as InputDStream<unknown>)
    this.#log = new WriteAheadLog(join(checkpoint, 'receivedData', String(index)), { rollingIntervalMs: this.#rollingIntervalMs })
    return this.#log
  }
}

function encodeLoggedBlock(block: Block): Uint8Array[] {
  const header = new Uint8Array(LOGGED_BLOCK_HEADER_BYTES)
  header[0] = block.format === 'lines' ? 1 : 0
  new DataView(header.buffer).setUint32(1, block.numRecords)
  return [header, block.bytes]
}

/** A block read back from the log, its bytes copied into shared memory as the workers read blocks. */
function decodeLoggedBlock({ position, bytes }: WalRecord): Block {
  if (bytes.byteLength < LOGGED_BLOCK_HEADER_BYTES || (bytes[0] !== 0 && bytes[0] !== 1)) {
    throw new CheckpointError(`The write-ahead log record at byte ${position.offset} of segment ${position.segment} is not a block of received records (it starts with byte ${bytes[0] ?? 'none'})`)
  }
  const shared = new Uint8Array(new SharedArrayBuffer(bytes.byteLength - LOGGED_BLOCK_HEADER_BYTES))
  shared.set(bytes.subarray(LOGGED_BLOCK_HEADER_BYTES))
  const numRecords = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1)
  return { format: bytes[0] === 1 ? 'lines' : 'records', bytes: shared, numRecords, position }
}

function positionKey(position: WalPosition): string {
  return `${position.segment}@${position.offset}`
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value !== 'object') return typeof value
  return `an instance of ${(Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name ?? 'Object'}`
}
