import { type Duration, Time } from '../../common/time.js'
import type { RDD } from '../../rdd/index.js'
import { DStream } from './internal.js'

/**
 * `window(w, s)`: every `s`, the union of the parent's batches of the last
 * `w` — the batches at times in (t − w, t]. Windows at the start hold only
 * the batches there are. The parent's RDDs are kept (persisted) for as
 * long as a window may need them.
 */
export class WindowedDStream<T> extends DStream<T> {
  readonly #parent: DStream<T>
  readonly #windowDuration: Duration
  readonly #slideDuration: Duration

  constructor(parent: DStream<T>, windowDuration: Duration, slideDuration: Duration) {
    super(parent.context, 'window')
    requireMultiple('window duration', windowDuration, parent)
    requireMultiple('slide duration', slideDuration, parent)
    this.#parent = parent
    this.#windowDuration = windowDuration
    this.#slideDuration = slideDuration
    parent.persist()
  }

  get windowDuration(): Duration {
    return this.#windowDuration
  }

  get slideDuration(): Duration {
    return this.#slideDuration
  }

  get dependencies(): readonly DStream<unknown>[] {
    return [this.#parent]
  }

  protected override get parentRememberDuration(): Duration {
    return this.rememberDuration.plus(this.#windowDuration)
  }

  override get lookbackMs(): number {
    return this.#windowDuration.milliseconds - this.#parent.slideDuration.milliseconds + this.#parent.lookbackMs
  }

  compute(time: Time): RDD<T> {
    const from = new Time(time.milliseconds - this.#windowDuration.milliseconds + this.#parent.slideDuration.milliseconds)
    const rdds = this.#parent.rddsBetween(from, time)
    return rdds.length === 0 ? this.context.sparkContext.emptyRDD<T>() : this.context.sparkContext.union(...rdds)
  }
}

/** A window or slide must be a whole number of the parent's slides; the message gives the nearest valid value. */
export function requireMultiple(what: string, duration: Duration, parent: DStream<unknown>): void {
  const slide = parent.slideDuration.milliseconds
  if (duration.milliseconds > 0 && duration.milliseconds % slide === 0) return
  const valid = Math.max(1, Math.round(duration.milliseconds / slide)) * slide
  throw new RangeError(`The ${what} ${duration} must be a positive multiple of the slide duration ${parent.slideDuration} of ${parent}; use ${valid} ms`)
}
