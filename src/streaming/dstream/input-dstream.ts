import type { Duration, Time } from '../../common/time.js'
import type { StreamingContext } from '../streaming-context.js'
import { DStream } from './internal.js'

/**
 * A stream that brings data in: queues, directories, receivers. Its slide
 * is the batch duration and it has no parents. The graph computes every
 * input stream at every batch time, in order, whether or not an output
 * needs that batch, so each batch reads exactly the input of its interval.
 */
export abstract class InputDStream<T> extends DStream<T> {
  #firstBatchMs = Number.NEGATIVE_INFINITY

  constructor(context: StreamingContext, operation: string) {
    super(context, operation)
    context.graph.addInputStream(this)
  }

  /**
   * Batches before `time` are from before this run: the stream has only
   * those that recovery rebuilt, and never reads new input for an earlier
   * time (a window or `slice` reaching back would otherwise take it).
   */
  startAt(time: Time): void {
    this.#firstBatchMs = time.milliseconds
  }

  override isTimeValid(time: Time): boolean {
    return time.milliseconds >= this.#firstBatchMs && super.isTimeValid(time)
  }

  get slideDuration(): Duration {
    return this.context.graph.batchDuration
  }

  get dependencies(): readonly DStream<unknown>[] {
    return []
  }

  /** Called when the context starts; receivers and watchers begin here. */
  async start(): Promise<void> {}

  /** Called when the context stops. */
  async stop(): Promise<void> {}

  /** Whether data has arrived that no batch has taken yet; a graceful stop runs one more batch for it. */
  hasPendingData(): boolean {
    return false
  }
}
