import { shipFunction } from '../../closure/ship.js'
import { type Duration, Time } from '../../common/time.js'
import type { PartitionState } from '../../recovery/index.js'
import type { CheckpointedState } from '../checkpoint-hooks.js'
import { HashPartitioner, type RDD } from '../../rdd/index.js'
import { encodeShared } from '../../serde/index.js'
import { MapWithStateRDD, StateSnapshotRDD } from '../../state/map-with-state-rdd.js'
import { StateChangeLog, registerStateChangeLog } from '../../state/state-change-log.js'
import type { StateSpec } from '../../state/state-spec.js'
import { DStream } from './internal.js'

type Pair<K, V> = [K, V]

let nextStoreId = 0

/**
 * `mapWithState(spec)`: for every record of a batch, the mapping function
 * is called with the record's key, value and the key's State; the stream
 * holds what it returned. The state stays in the worker that owns its
 * partition, so a batch costs what its keys cost, not what the whole state
 * costs (see src/state/). Keys idle for longer than the spec's timeout are
 * called once more with a null value, then removed.
 */
export class MapWithStateDStream<K, V, S, M> extends DStream<M> implements CheckpointedState {
  readonly #parent: DStream<Pair<K, V>>
  readonly #spec: StateSpec<K, V, S, M>
  readonly #partitioner: HashPartitioner
  readonly #storeId = nextStoreId++
  #log: StateChangeLog | null = null
  #initialStateLoaded: Promise<void> | null = null

  constructor(parent: DStream<Pair<K, V>>, spec: StateSpec<K, V, S, M>) {
    super(parent.context, 'mapWithState')
    this.#parent = parent
    this.#spec = spec
    this.#partitioner = new HashPartitioner(spec.getNumPartitions() ?? parent.context.sparkContext.defaultParallelism)
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

  /** The full state (every key and its state) after each batch. */
  stateSnapshots(): DStream<[K, S]> {
    return new StateSnapshotDStream<K, S>(this as MapWithStateDStream<K, unknown, S, unknown>)
  }

  compute(time: Time): RDD<M> {
    const sc = this.context.sparkContext
    const input = (this.#parent.getOrCompute(time) ?? sc.emptyRDD<Pair<K, V>>()).partitionBy(this.#partitioner)
    const previousTime = time.minus(this.slideDuration)
    const previous = this.getOrCompute(previousTime) ?? null
    return new MapWithStateRDD<M>(input as RDD<unknown>, this.batchAt(time), previous as RDD<unknown> | null)
  }

  /** What one batch's tasks need to know about this stream's state. */
  batchAt(time: Time): ConstructorParameters<typeof MapWithStateRDD>[1] {
    const fn = shipFunction(this.#spec.mappingFunction, 'mapWithState')
    return {
      storeId: this.#storeId,
      log: this.#changeLog(),
      version: time.milliseconds,
      previousVersion: time.minus(this.slideDuration).milliseconds,
      fn,
      withTime: fn.arity === 4,
      timeoutMs: this.#spec.getTimeout()?.milliseconds ?? null,
      ready: () => (this.#initialStateLoaded ??= this.#loadInitialState()),
    }
  }

  /** The change log starts at the zero time, holding the initial state when the spec has one (loaded by the first batch). */
  #changeLog(): StateChangeLog {
    if (this.#log === null) {
      this.#log = new StateChangeLog(this.#partitioner.numPartitions, this.zeroTime.milliseconds)
      registerStateChangeLog(this.#storeId, this.#log)
    }
    return this.#log
  }

  /** Loads the spec's initial state into the log, partitioned like the state, before the first batch runs. */
  async #loadInitialState(): Promise<void> {
    const initial = this.#spec.getInitialState()
    if (initial === null) return
    const zero = this.zeroTime.milliseconds
    const partitions = await this.context.sparkContext.runJob<Pair<K, S>[]>(initial.partitionBy(this.#partitioner) as RDD<unknown>, { kind: 'collect' })
    const images = partitions.map((records) => encodeShared(records.map(([key, state]) => [key, state, zero]), 'initial state'))
    this.#changeLog().setImages(images, zero)
  }

  // ---- checkpoints (CheckpointedState): the change log, so each checkpoint writes only the batch's changes ----

  async stateCheckpoint(timeMs: number, stream: string): Promise<PartitionState[]> {
    const log = this.#changeLog()
    const rdd = this.generatedRDDs.get(timeMs)
    // A batch whose outputs did not read the stream applies its records now.
    if (rdd !== undefined && (log.latestVersion ?? Number.NEGATIVE_INFINITY) < timeMs) await rdd.count()
    return Array.from({ length: this.#partitioner.numPartitions }, (_, partition) => {
      const restore = log.restore(partition)
      return { stream, partition, base: restore.base, baseVersion: restore.baseVersion, deltas: restore.deltas.filter((delta) => delta.version <= timeMs) }
    })
  }

  restoreState(parts: readonly PartitionState[], versionMs: number): void {
    const log = this.#changeLog()
    log.restoreFrom(parts, versionMs)
    // The batch of versionMs is done: a placeholder ends the look back for earlier batches.
    this.restoreRDD(new Time(versionMs), this.context.sparkContext.emptyRDD<M>())
    this.#initialStateLoaded = Promise.resolve()
  }
}

/** `stateSnapshots()` of a mapWithState stream. */
export class StateSnapshotDStream<K, S> extends DStream<[K, S]> {
  readonly #mapped: MapWithStateDStream<K, unknown, S, unknown>

  constructor(mapped: MapWithStateDStream<K, unknown, S, unknown>) {
    super(mapped.context, 'stateSnapshots')
    this.#mapped = mapped
  }

  get slideDuration(): Duration {
    return this.#mapped.slideDuration
  }

  get dependencies(): readonly DStream<unknown>[] {
    return [this.#mapped]
  }

  compute(time: Time): RDD<[K, S]> | undefined {
    const mapped = this.#mapped.getOrCompute(time)
    if (mapped === undefined) return undefined
    return new StateSnapshotRDD<K, S>(mapped as MapWithStateRDD<unknown>, this.#mapped.batchAt(time))
  }
}
