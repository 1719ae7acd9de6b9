import { logger } from '../common/logger.js'
import type { Time } from '../common/time.js'

/** An output operation of one batch (Spark's OutputOperationInfo); times in epoch ms. */
export interface OutputOperationInfo {
  readonly batchTime: Time
  readonly id: number
  readonly name: string
  readonly description: string
  readonly startTime: number | null
  readonly endTime: number | null
  readonly failureReason: string | null
}

/** One batch (Spark's BatchInfo): times in epoch ms, delays in ms. */
export interface BatchInfo {
  readonly batchTime: Time
  readonly numRecords: number
  readonly submissionTime: number
  readonly processingStartTime: number | null
  readonly processingEndTime: number | null
  readonly schedulingDelay: number | null
  readonly processingDelay: number | null
  readonly totalDelay: number | null
  readonly outputOperationInfos: ReadonlyMap<number, OutputOperationInfo>
}

export interface ReceiverInfo {
  readonly streamId: number
  readonly name: string
  readonly active: boolean
  readonly lastErrorMessage: string
  readonly lastError: string
  readonly lastErrorTime: number
}

/** Spark's StreamingListener: every callback is optional and gets one event object. */
export interface StreamingListener {
  onStreamingStarted?(event: { readonly time: number }): void
  onBatchSubmitted?(event: { readonly batchInfo: BatchInfo }): void
  onBatchStarted?(event: { readonly batchInfo: BatchInfo }): void
  onBatchCompleted?(event: { readonly batchInfo: BatchInfo }): void
  onOutputOperationStarted?(event: { readonly outputOperationInfo: OutputOperationInfo }): void
  onOutputOperationCompleted?(event: { readonly outputOperationInfo: OutputOperationInfo }): void
  onReceiverStarted?(event: { readonly receiverInfo: ReceiverInfo }): void
  onReceiverError?(event: { readonly receiverInfo: ReceiverInfo }): void
  onReceiverStopped?(event: { readonly receiverInfo: ReceiverInfo }): void
}

export type StreamingListenerEvent = {
  [K in keyof StreamingListener]-?: { readonly kind: K; readonly payload: Parameters<NonNullable<StreamingListener[K]>>[0] }
}[keyof StreamingListener]

/**
 * Delivers events to listeners on the driver, in order. A listener that
 * throws is logged and skipped for that event: a bug in a monitoring hook
 * must not stop the stream.
 */
export class StreamingListenerBus {
  readonly #listeners: StreamingListener[] = []

  add(listener: StreamingListener): void {
    this.#listeners.push(listener)
  }

  remove(listener: StreamingListener): void {
    const index = this.#listeners.indexOf(listener)
    if (index !== -1) this.#listeners.splice(index, 1)
  }

  post(event: StreamingListenerEvent): void {
    for (const listener of this.#listeners) {
      const callback = listener[event.kind] as ((payload: unknown) => void) | undefined
      if (callback === undefined) continue
      try {
        callback.call(listener, event.payload)
      } catch (error) {
        logger.error('StreamingListenerBus', `Listener ${listener.constructor.name} threw in ${event.kind}: ${error instanceof Error ? error.stack : String(error)}`)
      }
    }
  }
}
