import { capture, shipFunction } from '../../closure/ship.js'
import { type Duration, Time } from '../../common/time.js'
import { BlockRDD, CoGroupedRDD, HashPartitioner, type RDD } from '../../rdd/index.js'
import { DStream } from './internal.js'

type Pair<K, V> = [K, V]
type UpdateFunction<K, V, S> = ((newValues: V[], state: S | null) => S | null | undefined) | ((time: Time, key: K, newValues: V[], state: S | null) => S | null | undefined)

/**
 * `updateStateByKey`: Spark's StateDStream. The batch at t is the whole
 * state: for every key that has state or new values, `updateFn(newValues,
 * previousState)`; returning null or undefined removes the key. The state
 * of t is computed from the state of t − slide (read from its cached
 * blocks, so no lineage chain builds up) cogrouped with the batch's values,
 * keeping one partitioner so the state itself is never shuffled.
 */
export class StateDStream<K, V, S> extends DStream<[K, S]> {
  readonly #parent: DStream<Pair<K, V>>
  readonly #partitioner: HashPartitioner
  readonly #initialRDD: RDD<Pair<K, S>> | null
  readonly #update: UpdateFunction<K, V, S>
  readonly #withTimeAndKey: boolean

  constructor(parent: DStream<Pair<K, V>>, update: UpdateFunction<K, V, S>, numPartitions: number, initialRDD: RDD<Pair<K, S>> | null) {
    super(parent.context, 'updateStateByKey')
    this.#withTimeAndKey = shipFunction(update, 'updateStateByKey').arity === 4
    this.#parent = parent
    this.#update = update
    this.#partitioner = new HashPartitioner(numPartitions)
    this.#initialRDD = initialRDD
    this.persist()
  }

  get slideDuration(): Duration {
    return this.#parent.slideDuration
  }

  get dependencies(): readonly DStream<unknown>[] {
    return [this.#parent]
  }

  override get mustCheckpoint(): boolean {
    return true
  }

  compute(time: Time): RDD<[K, S]> | undefined {
    const previous = this.getOrCompute(time.minus(this.slideDuration))
    const state = previous === undefined ? this.#initialRDD : BlockRDD.ofCached(previous)
    const values = this.#parent.getOrCompute(time)
    if (state === null && values === undefined) return undefined
    const sc = this.context.sparkContext
    const inputs = [values ?? sc.emptyRDD(), state ?? sc.emptyRDD()] as RDD<unknown>[]
    const cogrouped = new CoGroupedRDD<K>(inputs, this.#partitioner, 'updateStateByKey')
    return cogrouped.mapPartitions(this.#updater(time), true) as RDD<[K, S]>
  }

  #timelessUpdater: ((entries: Iterable<[K, unknown[][]]>) => Iterable<[K, S]>) | null = null

  /** The two-parameter form needs no batch time, so one updater serves every batch and workers compile it once. */
  #updater(time: Time): (entries: Iterable<[K, unknown[][]]>) => Iterable<[K, S]> {
    if (this.#withTimeAndKey) return this.#makeUpdater(time.milliseconds)
    this.#timelessUpdater ??= this.#makeUpdater(0)
    return this.#timelessUpdater
  }

  #makeUpdater(timeMs: number): (entries: Iterable<[K, unknown[][]]>) => Iterable<[K, S]> {
    const update = this.#update as (...args: unknown[]) => S | null | undefined
    const withTimeAndKey = this.#withTimeAndKey
    return capture({ update, withTimeAndKey, timeMs }, function* (entries: Iterable<[K, unknown[][]]>) {
      // Workers have no Time class; the batch time arrives as an object with Time's fields.
      const batchTime = { milliseconds: timeMs, toString: () => `${timeMs} ms` }
      for (const [key, groups] of entries) {
        const newValues = groups[0] as V[]
        const states = groups[1] as S[]
        const previous = states.length === 0 ? null : (states[0] as S)
        const next = withTimeAndKey ? update(batchTime, key, newValues, previous) : update(newValues, previous)
        if (next !== null && next !== undefined) yield [key, next] as [K, S]
      }
    })
  }
}
