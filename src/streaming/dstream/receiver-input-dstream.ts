import type { Time } from '../../common/time.js'
import { BlockRDD, type RDD } from '../../rdd/index.js'
import { Receiver } from '../../receiver/receiver.js'
import { readReceiverSettings, ReceiverSupervisor } from '../../receiver/receiver-supervisor.js'
import type { StreamingContext } from '../streaming-context.js'
import { InputDStream } from './internal.js'

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
 */
export class ReceiverInputDStream<T> extends InputDStream<T> {
  readonly receiver: Receiver<T>
  readonly #operation: string
  readonly #supervisor: ReceiverSupervisor<T>

  constructor(context: StreamingContext, receiver: Receiver<T>, operation = 'receiverStream') {
    super(context, operation)
    if (!(receiver instanceof Receiver)) {
      throw new TypeError(`${operation} needs an instance of a subclass of Receiver (class MyReceiver extends Receiver<T> { onStart() {...} onStop() {...} }), got ${describe(receiver)}`)
    }
    this.receiver = receiver
    this.#operation = operation
    this.#supervisor = new ReceiverSupervisor<T>(receiver, {
      streamId: this.id,
      streamName: this.toString(),
      clock: context.clock,
      settings: readReceiverSettings(context.sparkContext.getConf()),
      post: (kind, receiverInfo) => context.listenerBus.post({ kind, payload: { receiverInfo } }),
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

  override async start(): Promise<void> {
    this.#supervisor.start()
  }

  override async stop(): Promise<void> {
    await this.#supervisor.stop('Stopped by StreamingContext')
  }

  override hasPendingData(): boolean {
    return this.#supervisor.generator.hasPendingData
  }

  compute(time: Time): RDD<T> {
    const blocks = this.#supervisor.generator.takeBlocks()
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
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value !== 'object') return typeof value
  return `an instance of ${(Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name ?? 'Object'}`
}
