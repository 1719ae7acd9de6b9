import type { BatchInfo, DStream, ReceiverInfo, StreamingContext } from '../../src/index.js'

/** One batch of a stream as the tests look at it: its time, and its records block by block (partition by partition). */
export interface RecordedBatch<T> {
  readonly time: number
  readonly blocks: T[][]
  readonly records: T[]
}

/** Collects every batch of `stream` (an output operation: call before start). */
export function recordBatches<T>(stream: DStream<T>): RecordedBatch<T>[] {
  const batches: RecordedBatch<T>[] = []
  stream.glom().foreachRDD(async (rdd, time) => {
    const blocks = await rdd.collect()
    batches.push({ time: time.milliseconds, blocks, records: blocks.flat() as T[] })
  })
  return batches
}

type ReceiverEventKind = 'onReceiverStarted' | 'onReceiverError' | 'onReceiverStopped'

export interface ReceiverEvent {
  readonly kind: ReceiverEventKind
  readonly receiverInfo: ReceiverInfo
}

/** The receiver events and batch infos a context posts, with a way to wait for the n-th event of a kind. */
export interface StreamingEventLog {
  readonly receiverEvents: ReceiverEvent[]
  readonly batches: BatchInfo[]
  of(kind: ReceiverEventKind): ReceiverInfo[]
  /** Resolves once `count` events of `kind` have been posted. */
  waitFor(kind: ReceiverEventKind, count: number): Promise<void>
}

export function recordStreamingEvents(ssc: StreamingContext): StreamingEventLog {
  const receiverEvents: ReceiverEvent[] = []
  const batches: BatchInfo[] = []
  let waiters: { kind: ReceiverEventKind; count: number; resolve: () => void }[] = []
  const of = (kind: ReceiverEventKind): ReceiverInfo[] => receiverEvents.filter((event) => event.kind === kind).map((event) => event.receiverInfo)
  const post = (kind: ReceiverEventKind, receiverInfo: ReceiverInfo): void => {
    receiverEvents.push({ kind, receiverInfo })
    const due = waiters.filter((waiter) => of(waiter.kind).length >= waiter.count)
    waiters = waiters.filter((waiter) => !due.includes(waiter))
    for (const waiter of due) waiter.resolve()
  }
  ssc.addStreamingListener({
    onReceiverStarted: ({ receiverInfo }) => post('onReceiverStarted', receiverInfo),
    onReceiverError: ({ receiverInfo }) => post('onReceiverError', receiverInfo),
    onReceiverStopped: ({ receiverInfo }) => post('onReceiverStopped', receiverInfo),
    onBatchCompleted: ({ batchInfo }) => void batches.push(batchInfo),
  })
  return {
    receiverEvents,
    batches,
    of,
    waitFor: (kind, count) => (of(kind).length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ kind, count, resolve }))),
  }
}
