import { shipFunction } from '../closure/ship.js'
import { type Duration, type DurationLike, type Time, toDuration } from '../common/time.js'
import type { RDD } from '../rdd/index.js'
import type { State } from './state.js'

export type MappingFunction<K, V, S, M> =
  | ((key: K, value: V | null, state: State<S>) => M | null | undefined)
  | ((time: Time, key: K, value: V | null, state: State<S>) => M | null | undefined)

/**
 * What `mapWithState` does (Spark's StateSpec): the mapping function, and
 * optionally the initial state, the number of state partitions and how long
 * an idle key keeps its state. Setters return the spec so calls chain.
 *
 * @example
 * const spec = StateSpec.function((key: string, value: number | null, state: State<number>) => {
 *   const sum = (value ?? 0) + (state.exists() ? state.get() : 0)
 *   state.update(sum)
 *   return [key, sum]
 * }).timeout(Minutes(5))
 */
export class StateSpec<K, V, S, M> {
  readonly mappingFunction: MappingFunction<K, V, S, M>
  #initialState: RDD<[K, S]> | null = null
  #numPartitions: number | null = null
  #timeout: Duration | null = null

  private constructor(mappingFunction: MappingFunction<K, V, S, M>) {
    shipFunction(mappingFunction, 'mapWithState')
    this.mappingFunction = mappingFunction
  }

  static function<K, V, S, M>(mappingFunction: (key: K, value: V | null, state: State<S>) => M | null | undefined): StateSpec<K, V, S, M>
  static function<K, V, S, M>(mappingFunction: (time: Time, key: K, value: V | null, state: State<S>) => M | null | undefined): StateSpec<K, V, S, M>
  static function<K, V, S, M>(mappingFunction: MappingFunction<K, V, S, M>): StateSpec<K, V, S, M> {
    return new StateSpec(mappingFunction)
  }

  initialState(rdd: RDD<[K, S]>): this {
    this.#initialState = rdd
    return this
  }

  numPartitions(n: number): this {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`numPartitions must be a positive integer, got ${n}`)
    this.#numPartitions = n
    return this
  }

  timeout(duration: DurationLike): this {
    const timeout = toDuration(duration, 'timeout')
    if (timeout.milliseconds <= 0) throw new RangeError(`timeout must be a positive duration, got ${timeout}`)
    this.#timeout = timeout
    return this
  }

  getInitialState(): RDD<[K, S]> | null {
    return this.#initialState
  }

  getNumPartitions(): number | null {
    return this.#numPartitions
  }

  getTimeout(): Duration | null {
    return this.#timeout
  }
}
