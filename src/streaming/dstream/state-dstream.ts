import { shipFunction } from '../../closure/ship.js'
import type { ShippedFunction } from '../../closure/shipped-function.js'
import { type Duration, Time } from '../../common/time.js'
import type { PartitionState } from '../../recovery/index.js'
import type { CheckpointedState } from '../checkpoint-hooks.js'
import { partitionImages, rddOfImages } from '../partition-images.js'
import { BlockRDD, CoGroupedRDD, HashPartitioner, MapPartitionsRDD, type RDD } from '../../rdd/index.js'
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
export class StateDStream<K, V, S> extends DStream<[K, S]> implements CheckpointedState {
  readonly #parent: DStream<Pair<K, V>>
  readonly #partitioner: HashPartitioner
  readonly #initialRDD: RDD<Pair<K, S>> | null
  readonly #update: ShippedFunction
  readonly #withTimeAndKey: boolean

  constructor(parent: DStream<Pair<K, V>>, update: UpdateFunction<K, V, S>, numPartitions: number, initialRDD: RDD<Pair<K, S>> | null) {
    super(parent.context, 'updateStateByKey')
    this.#update = shipFunction(update, 'updateStateByKey')
    this.#withTimeAndKey = this.#update.arity === 4
    this.#parent = parent
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
    const step = { kind: 'updateState', fn: this.#update, timeMs: time.milliseconds, withTimeAndKey: this.#withTimeAndKey } as const
    return new MapPartitionsRDD<[K, S]>(cogrouped as RDD<unknown>, 'updateStateByKey', step, true)
  }

  // ---- checkpoints (CheckpointedState): an image of every partition of the state RDD ----

  async stateCheckpoint(timeMs: number, stream: string): Promise<PartitionState[]> {
    return partitionImages(this.generatedRDDs.get(timeMs), stream, this.#partitioner, timeMs)
  }

  restoreState(parts: readonly PartitionState[], versionMs: number): void {
    this.restoreRDD(new Time(versionMs), rddOfImages(this.context.sparkContext, parts, this.#partitioner, 'restored state'))
  }
}
