import type { Duration, Time } from '../../common/time.js'
import type { RDD } from '../../rdd/index.js'
import { DStream, type Job } from './internal.js'

/**
 * An output operation: at each batch time it has an RDD for, it makes a job
 * that runs `fn` on the driver with that RDD. `foreachRDD`, `print` and
 * `saveAsTextFiles` are built on it.
 */
export class ForEachDStream<T> extends DStream<never> {
  readonly #parent: DStream<T>
  readonly #name: string
  readonly #fn: (rdd: RDD<T>, time: Time) => void | Promise<void>
  #outputOpId = -1

  constructor(parent: DStream<T>, name: string, fn: (rdd: RDD<T>, time: Time) => void | Promise<void>) {
    super(parent.context, name)
    if (typeof fn !== 'function') throw new TypeError(`${name} needs a function, got ${typeof fn}`)
    this.#parent = parent
    this.#name = name
    this.#fn = fn
  }

  /** Adds this output operation to the graph. */
  register(): void {
    this.#outputOpId = this.context.graph.addOutputStream(this as ForEachDStream<unknown>)
  }

  get slideDuration(): Duration {
    return this.#parent.slideDuration
  }

  get dependencies(): readonly DStream<unknown>[] {
    return [this.#parent]
  }

  compute(): undefined {
    return undefined
  }

  override generateJob(time: Time): Job | null {
    const rdd = this.#parent.getOrCompute(time)
    if (rdd === undefined) return null
    const fn = this.#fn
    return {
      time,
      outputOpId: this.#outputOpId,
      name: this.#name,
      description: this.creationSite,
      run: async () => {
        await fn(rdd, time)
      },
    }
  }
}
