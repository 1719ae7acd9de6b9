import type { Duration, Time } from '../../common/time.js'
import type { RDD } from '../../rdd/index.js'
import { DStream } from './internal.js'
import { requireSameSlide } from './transformed-dstream.js'

/** `ssc.union(...)` and `stream.union(other)`: each batch is the union of the parents' batches at the same time. */
export class UnionDStream<T> extends DStream<T> {
  readonly #parents: readonly DStream<T>[]

  constructor(parents: readonly DStream<T>[]) {
    const first = parents[0]
    if (first === undefined) throw new RangeError('union needs at least one stream')
    super(first.context, 'union')
    requireSameSlide(parents, 'union')
    this.#parents = parents
  }

  get slideDuration(): Duration {
    return (this.#parents[0] as DStream<T>).slideDuration
  }

  get dependencies(): readonly DStream<unknown>[] {
    return this.#parents
  }

  compute(time: Time): RDD<T> | undefined {
    const rdds = this.#parents.map((parent) => parent.getOrCompute(time)).filter((rdd): rdd is RDD<T> => rdd !== undefined)
    return rdds.length === 0 ? undefined : this.context.sparkContext.union(...rdds)
  }
}
