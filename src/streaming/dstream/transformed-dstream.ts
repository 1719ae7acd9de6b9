import type { Duration, Time } from '../../common/time.js'
import type { RDD } from '../../rdd/index.js'
import { DStream } from './internal.js'

/**
 * The stream whose batch at `time` is a function of its parents' batches at
 * `time`: map, filter, reduceByKey, transform, transformWith, ... all run
 * the corresponding RDD operation on each batch. The function itself runs
 * on the driver (it only builds RDDs); the per-record functions inside it
 * were checked and are shipped by the RDD operations.
 */
export class TransformedDStream<U> extends DStream<U> {
  readonly #parents: readonly DStream<unknown>[]
  readonly #operation: string
  readonly #transform: (rdds: readonly RDD<unknown>[], time: Time) => RDD<U>

  constructor(parents: readonly DStream<unknown>[], operation: string, transform: (rdds: readonly RDD<unknown>[], time: Time) => RDD<U>) {
    const first = parents[0]
    if (first === undefined) throw new RangeError(`${operation} needs at least one stream`)
    super(first.context, operation)
    requireSameSlide(parents, operation)
    this.#parents = parents
    this.#operation = operation
    this.#transform = transform
  }

  get slideDuration(): Duration {
    return (this.#parents[0] as DStream<unknown>).slideDuration
  }

  get dependencies(): readonly DStream<unknown>[] {
    return this.#parents
  }

  compute(time: Time): RDD<U> | undefined {
    const rdds: RDD<unknown>[] = []
    for (const parent of this.#parents) {
      const rdd = parent.getOrCompute(time)
      // No batch from a parent means no batch here; the graph skips `time`.
      if (rdd === undefined) return undefined
      rdds.push(rdd)
    }
    const result = this.#transform(rdds, time)
    if (result === null || result === undefined) {
      throw new TypeError(`The function given to ${this.#operation} returned ${String(result)} for batch ${time}; it must return an RDD`)
    }
    return result
  }
}

/** Streams combined batch by batch must produce their batches at the same times. */
export function requireSameSlide(streams: readonly DStream<unknown>[], operation: string): void {
  const slides = new Set(streams.map((stream) => stream.slideDuration.milliseconds))
  if (slides.size > 1) {
    throw new RangeError(`${operation} needs streams with the same slide duration, got ${[...slides].map((ms) => `${ms} ms`).join(' and ')}; window them to a common slide first`)
  }
}
