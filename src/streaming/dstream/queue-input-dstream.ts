import type { Time } from '../../common/time.js'
import { RDD } from '../../rdd/index.js'
import type { StreamingContext } from '../streaming-context.js'
import { InputDStream } from './internal.js'

/**
 * `ssc.queueStream(queue)`: each batch takes the next RDD (or array) from
 * the queue, or everything queued when `oneAtATime` is false; an empty
 * queue gives `defaultRDD` or an empty batch. The queue may keep growing
 * after start.
 */
export class QueueInputDStream<T> extends InputDStream<T> {
  readonly #queue: (RDD<T> | readonly T[])[]
  readonly #oneAtATime: boolean
  readonly #defaultRDD: RDD<T> | null

  constructor(context: StreamingContext, queue: (RDD<T> | readonly T[])[], oneAtATime: boolean, defaultRDD: RDD<T> | null) {
    // Checked before super(), which registers the stream with the graph: a refused queue must leave nothing behind.
    if (!Array.isArray(queue)) throw new TypeError(`queueStream needs an array of RDDs or arrays, got ${typeof queue}`)
    super(context, 'queueStream')
    this.#queue = queue
    this.#oneAtATime = oneAtATime
    this.#defaultRDD = defaultRDD
  }

  compute(time: Time): RDD<T> {
    const items = this.#oneAtATime ? this.#queue.splice(0, 1) : this.#queue.splice(0)
    const sc = this.context.sparkContext
    const rdds = items.map((item) => (item instanceof RDD ? item : sc.parallelize(item)))
    this.context.reportInput(this, time, items.reduce((total, item) => total + (item instanceof RDD ? 0 : item.length), 0))
    if (rdds.length === 0) return this.#defaultRDD ?? sc.emptyRDD<T>()
    return rdds.length === 1 ? (rdds[0] as RDD<T>) : sc.union(...rdds)
  }
}
