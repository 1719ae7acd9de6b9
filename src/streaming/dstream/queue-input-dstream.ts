import type { Time } from '../../common/time.js'
import { RDD } from '../../rdd/index.js'
import type { StreamingContext } from '../streaming-context.js'
import type { ReplayableInput } from '../checkpoint-hooks.js'
import { InputDStream } from './internal.js'

/**
 * `ssc.queueStream(queue)`: each batch takes the next RDD (or array) from
 * the queue, or everything queued when `oneAtATime` is false; an empty
 * queue gives `defaultRDD` or an empty batch. The queue may keep growing
 * after start.
 */
export class QueueInputDStream<T> extends InputDStream<T> implements ReplayableInput {
  readonly #queue: (RDD<T> | readonly T[])[]
  readonly #oneAtATime: boolean
  readonly #defaultRDD: RDD<T> | null
  /** The items each batch took, until a checkpoint has recorded them. */
  readonly #batchItems = new Map<number, (RDD<T> | readonly T[])[]>()
  /** Batches to run again after recovery, with the records they took before. */
  readonly #replays = new Map<number, (readonly T[])[]>()

  constructor(context: StreamingContext, queue: (RDD<T> | readonly T[])[], oneAtATime: boolean, defaultRDD: RDD<T> | null) {
    // Checked before super(), which registers the stream with the graph: a refused queue must leave nothing behind.
    if (!Array.isArray(queue)) throw new TypeError(`queueStream needs an array of RDDs or arrays, got ${typeof queue}`)
    super(context, 'queueStream')
    this.#queue = queue
    this.#oneAtATime = oneAtATime
    this.#defaultRDD = defaultRDD
  }

  compute(time: Time): RDD<T> {
    const replayed = this.#replays.get(time.milliseconds)
    this.#replays.delete(time.milliseconds)
    const items = replayed ?? (this.#oneAtATime ? this.#queue.splice(0, 1) : this.#queue.splice(0))
    this.#batchItems.set(time.milliseconds, items)
    const sc = this.context.sparkContext
    const rdds = items.map((item) => (item instanceof RDD ? item : sc.parallelize(item)))
    this.context.reportInput(this, time, items.reduce((total, item) => total + (item instanceof RDD ? 0 : item.length), 0))
    if (rdds.length === 0) return this.#defaultRDD ?? sc.emptyRDD<T>()
    return rdds.length === 1 ? (rdds[0] as RDD<T>) : sc.union(...rdds)
  }

  // ---- checkpoints (ReplayableInput): the queue itself belongs to the program, so batches' records are saved ----

  inputProgress(): unknown {
    return null
  }

  restoreInputProgress(): void {}

  batchInput(timeMs: number): unknown {
    const items = this.#batchItems.get(timeMs) ?? []
    this.#batchItems.delete(timeMs)
    if (!items.some((item) => item instanceof RDD)) return items
    // A queued RDD is gone after a crash with the program's queue: its records are saved instead (one more job).
    return Promise.all(items.map((item) => (item instanceof RDD ? item.collect() : item)))
  }

  replayBatch(timeMs: number, input: unknown): void {
    this.#replays.set(timeMs, input as (readonly T[])[])
  }
}
