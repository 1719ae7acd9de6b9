import { shipFunction } from '../../closure/ship.js'
import { userCallSite, withCallSite } from '../../common/call-site.js'
import { IllegalStateError } from '../../common/errors.js'
import { type Duration, type DurationLike, Time, toDuration, toTime } from '../../common/time.js'
import type { RDD } from '../../rdd/index.js'
import type { StreamingContext } from '../streaming-context.js'
import type { StateSpec } from '../../state/state-spec.js'
import { ForEachDStream, MapWithStateDStream, ops, pairs, TransformedDStream, windows } from './internal.js'

type Pair<K, V> = [K, V]

/** A unit of work of one batch: an output operation's job. */
export interface Job {
  readonly time: Time
  readonly outputOpId: number
  readonly name: string
  readonly description: string
  run(): Promise<void>
}

/**
 * A discretized stream: a sequence of RDDs, one per batch time. As in Spark,
 * every DStream has three properties: the streams it depends on, the
 * interval at which it produces an RDD (its slide duration), and how it
 * computes the RDD of a batch time from its parents' RDDs (`compute`).
 * RDDs are computed once per batch time and remembered for as long as a
 * window or `remember` needs them.
 *
 * @example
 * ssc.socketTextStream('localhost', 9999)
 *   .flatMap((line) => line.split(' '))
 *   .map((word) => [word, 1] as [string, number])
 *   .reduceByKey((a, b) => a + b)
 *   .print()
 */
export abstract class DStream<T> {
  readonly context: StreamingContext
  readonly id: number
  readonly creationSite: string
  readonly #userSite: string
  #generated = new Map<number, RDD<T>>()
  #zeroTime: Time | null = null
  #rememberDuration: Duration | null = null
  #persisted = false
  #checkpointDuration: Duration | null = null

  constructor(context: StreamingContext, operation: string) {
    context.assertCanAddStreams()
    this.context = context
    this.id = context.graph.nextStreamId()
    this.#userSite = userCallSite()
    this.creationSite = `${operation} at ${this.#userSite}`
  }

  // ---- implemented by each kind of stream ----

  /** The interval at which this stream produces an RDD. */
  abstract get slideDuration(): Duration

  abstract get dependencies(): readonly DStream<unknown>[]

  /** The RDD of `time`, or undefined when this stream has no batch then. Called once per valid time. */
  abstract compute(time: Time): RDD<T> | undefined

  /** Streams whose batches depend on their own earlier batches (state, incremental windows) need a checkpoint directory. */
  get mustCheckpoint(): boolean {
    return false
  }

  /** How long parents must keep their RDDs for this stream's `compute`. */
  protected get parentRememberDuration(): Duration {
    return this.rememberDuration
  }

  /**
   * How far before a batch time computing this stream's batch reads its
   * inputs' batches: windows reach back, other streams read the same batch
   * time (keyed state is restored from checkpoints, not recomputed).
   * Recovery rebuilds the inputs' batches this far back.
   */
  get lookbackMs(): number {
    return Math.max(0, ...this.dependencies.map((parent) => parent.lookbackMs))
  }

  // ---- shared machinery ----

  get zeroTime(): Time {
    if (this.#zeroTime === null) throw new IllegalStateError(`${this} has not been initialized; start the StreamingContext first`)
    return this.#zeroTime
  }

  get isInitialized(): boolean {
    return this.#zeroTime !== null
  }

  get rememberDuration(): Duration {
    return this.#rememberDuration ?? this.slideDuration
  }

  get checkpointDuration(): Duration | null {
    return this.#checkpointDuration
  }

  /** Called by the graph at start: fixes the zero time and how long each stream remembers its RDDs. */
  initialize(zeroTime: Time): void {
    if (this.#zeroTime !== null && !this.#zeroTime.equals(zeroTime)) {
      throw new IllegalStateError(`${this} was initialized with zero time ${this.#zeroTime}, cannot initialize it again with ${zeroTime}`)
    }
    this.#zeroTime = zeroTime
    if (this.mustCheckpoint && this.#checkpointDuration === null) this.#checkpointDuration = defaultCheckpointInterval(this.slideDuration)
    if (this.#checkpointDuration !== null) this.remember(this.#checkpointDuration.times(2))
    for (const parent of this.dependencies) parent.initialize(zeroTime)
  }

  /** Keeps each RDD for at least `duration` after its batch time (never less than the slide). */
  remember(duration: Duration): void {
    const current = this.rememberDuration
    if (duration.milliseconds > current.milliseconds) this.#rememberDuration = duration
    for (const parent of this.dependencies) parent.remember(this.parentRememberDuration)
  }

  validateAtStart(): void {
    if (this.mustCheckpoint && this.context.checkpointDirectory === null) {
      throw new IllegalStateError(`${this} needs a checkpoint directory for its state; call ssc.checkpoint(directory) before start()`)
    }
    if (this.#checkpointDuration !== null && !this.#checkpointDuration.isMultipleOf(this.slideDuration)) {
      const valid = Math.max(1, Math.round(this.#checkpointDuration.milliseconds / this.slideDuration.milliseconds)) * this.slideDuration.milliseconds
      throw new RangeError(`Checkpoint interval ${this.#checkpointDuration} of ${this} is not a multiple of its slide duration ${this.slideDuration}; use ${valid} ms`)
    }
    for (const parent of this.dependencies) parent.validateAtStart()
  }

  /** A time at which this stream has a batch: a multiple of its slide after the zero time. */
  isTimeValid(time: Time): boolean {
    const offset = time.milliseconds - this.zeroTime.milliseconds
    return offset > 0 && offset % this.slideDuration.milliseconds === 0
  }

  /** The RDD of `time`: computed on first request and remembered, so every user of a batch sees the same RDD. */
  getOrCompute(time: Time): RDD<T> | undefined {
    const known = this.#generated.get(time.milliseconds)
    if (known !== undefined) return known
    if (!this.isTimeValid(time)) return undefined
    const rdd = withCallSite(this.#userSite, () => this.compute(time))
    if (rdd === undefined) return undefined
    if (this.#persisted) rdd.persist()
    this.#generated.set(time.milliseconds, rdd)
    return rdd
  }

  /** Recovery: makes `rdd` this stream's RDD of `time`, as if computed then (restored state). */
  restoreRDD(time: Time, rdd: RDD<T>): void {
    this.#generated.set(time.milliseconds, rdd)
  }

  /** The job of an output stream at `time`; plain streams have none. */
  generateJob(_time: Time): Job | null {
    return null
  }

  /** Forgets (and unpersists) RDDs older than the remember duration; called after each batch completes. */
  clearMetadata(time: Time): void {
    const oldest = time.milliseconds - this.rememberDuration.milliseconds
    for (const [batchTime, rdd] of this.#generated) {
      if (batchTime <= oldest) {
        this.#generated.delete(batchTime)
        rdd.unpersist()
      }
    }
    for (const parent of this.dependencies) parent.clearMetadata(time)
  }

  /** The RDDs generated so far, by batch time in ms (for recovery and tests). */
  get generatedRDDs(): ReadonlyMap<number, RDD<T>> {
    return this.#generated
  }

  toString(): string {
    return `${this.constructor.name}[${this.id}] at ${this.creationSite}`
  }

  // ---- persistence and checkpointing ----

  persist(): this {
    this.#persisted = true
    return this
  }

  cache(): this {
    return this.persist()
  }

  /** Saves this stream's state every `interval` (a multiple of its slide); stateful streams default to Spark's interval. */
  checkpoint(interval: DurationLike): this {
    this.context.assertCanAddStreams()
    this.#checkpointDuration = toDuration(interval, 'checkpoint interval')
    this.persist()
    return this
  }

  /** The RDDs of every batch time from `from` to `to` (both included, aligned down to this stream's batch grid). */
  async slice(from: Time | number, to: Time | number): Promise<RDD<T>[]> {
    return this.rddsBetween(toTime(from, 'slice from'), toTime(to, 'slice to'))
  }

  /** `slice` for the engine, which needs the RDDs synchronously while computing a batch. */
  rddsBetween(from: Time, to: Time): RDD<T>[] {
    const zero = this.zeroTime
    const slide = this.slideDuration
    const first = from.floor(slide, zero)
    const last = to.floor(slide, zero)
    const rdds: RDD<T>[] = []
    for (let time = first.milliseconds; time <= last.milliseconds; time += slide.milliseconds) {
      const rdd = time > zero.milliseconds ? this.getOrCompute(new Time(time)) : undefined
      if (rdd !== undefined) rdds.push(rdd)
    }
    return rdds
  }

  // ---- transformations ----

  map<U>(fn: (value: T) => U): DStream<U> {
    return ops.perBatch(this, 'map', fn, (rdd) => rdd.map(fn))
  }

  flatMap<U>(fn: (value: T) => Iterable<U>): DStream<U> {
    return ops.perBatch(this, 'flatMap', fn, (rdd) => rdd.flatMap(fn))
  }

  filter(fn: (value: T) => unknown): DStream<T> {
    return ops.perBatch(this, 'filter', fn, (rdd) => rdd.filter(fn))
  }

  mapPartitions<U>(fn: (values: IterableIterator<T>) => Iterable<U>, preservesPartitioning = false): DStream<U> {
    return ops.perBatch(this, 'mapPartitions', fn, (rdd) => rdd.mapPartitions(fn, preservesPartitioning))
  }

  glom(): DStream<T[]> {
    return new TransformedDStream([this], 'glom', ([rdd]) => (rdd as RDD<T>).glom())
  }

  repartition(numPartitions: number): DStream<T> {
    return new TransformedDStream([this], 'repartition', ([rdd]) => (rdd as RDD<T>).repartition(numPartitions))
  }

  union(other: DStream<T>): DStream<T> {
    return this.context.union(this, other)
  }

  /** One record per batch: how many records it holds (0 for an empty batch, as in Spark). */
  count(): DStream<number> {
    return ops.count(this)
  }

  countByValue(numPartitions?: number): DStream<[T, number]> {
    return ops.countByValue(this, numPartitions)
  }

  /** One record per non-empty batch: its records reduced with `fn`. */
  reduce(fn: (a: T, b: T) => T): DStream<T> {
    return ops.reduce(this, fn)
  }

  /** Any RDD-to-RDD function of each batch, run on the driver (it is not shipped). */
  transform<U>(fn: (rdd: RDD<T>, time: Time) => RDD<U>): DStream<U> {
    return new TransformedDStream([this], 'transform', ([rdd], time) => fn(rdd as RDD<T>, time))
  }

  transformWith<U, W>(other: DStream<U>, fn: (rdd: RDD<T>, other: RDD<U>, time: Time) => RDD<W>): DStream<W> {
    return new TransformedDStream([this, other], 'transformWith', ([a, b], time) => fn(a as RDD<T>, b as RDD<U>, time))
  }

  window(windowDuration: DurationLike, slideDuration?: DurationLike): DStream<T> {
    return windows.window(this, windowDuration, slideDuration)
  }

  countByWindow(windowDuration: DurationLike, slideDuration: DurationLike): DStream<number> {
    return windows.countByWindow(this, windowDuration, slideDuration)
  }

  reduceByWindow(fn: (a: T, b: T) => T, windowDuration: DurationLike, slideDuration: DurationLike): DStream<T>
  reduceByWindow(fn: (a: T, b: T) => T, invFn: (a: T, b: T) => T, windowDuration: DurationLike, slideDuration: DurationLike): DStream<T>
  reduceByWindow(fn: (a: T, b: T) => T, ...rest: unknown[]): DStream<T> {
    return windows.reduceByWindow(this, fn, rest)
  }

  countByValueAndWindow(windowDuration: DurationLike, slideDuration: DurationLike, numPartitions?: number): DStream<[T, number]> {
    return windows.countByValueAndWindow(this, windowDuration, slideDuration, numPartitions)
  }

  // ---- pair transformations ----

  mapValues<K, V, U>(this: DStream<Pair<K, V>>, fn: (value: V) => U): DStream<[K, U]> {
    return ops.perBatch(this, 'mapValues', fn, (rdd) => rdd.mapValues(fn))
  }

  flatMapValues<K, V, U>(this: DStream<Pair<K, V>>, fn: (value: V) => Iterable<U>): DStream<[K, U]> {
    return ops.perBatch(this, 'flatMapValues', fn, (rdd) => rdd.flatMapValues(fn))
  }

  reduceByKey<K, V>(this: DStream<Pair<K, V>>, fn: (a: V, b: V) => V, numPartitions?: number): DStream<[K, V]> {
    return ops.perBatch(this, 'reduceByKey', fn, (rdd) => rdd.reduceByKey(fn, numPartitions ?? this.context.sparkContext.defaultParallelism))
  }

  groupByKey<K, V>(this: DStream<Pair<K, V>>, numPartitions?: number): DStream<[K, V[]]> {
    return new TransformedDStream([this], 'groupByKey', ([rdd]) => (rdd as RDD<Pair<K, V>>).groupByKey(numPartitions ?? this.context.sparkContext.defaultParallelism))
  }

  combineByKey<K, V, C>(
    this: DStream<Pair<K, V>>,
    createCombiner: (value: V) => C,
    mergeValue: (combiner: C, value: V) => C,
    mergeCombiners: (a: C, b: C) => C,
    numPartitions?: number,
  ): DStream<[K, C]> {
    for (const fn of [createCombiner, mergeValue, mergeCombiners]) shipFunction(fn, 'combineByKey')
    return new TransformedDStream([this], 'combineByKey', ([rdd]) =>
      (rdd as RDD<Pair<K, V>>).combineByKey(createCombiner, mergeValue, mergeCombiners, numPartitions ?? this.context.sparkContext.defaultParallelism),
    )
  }

  join<K, V, W>(this: DStream<Pair<K, V>>, other: DStream<Pair<K, W>>, numPartitions?: number): DStream<[K, [V, W]]> {
    return pairs.joinStreams(this, other, 'join', (a, b, n) => a.join(b, n), numPartitions)
  }

  leftOuterJoin<K, V, W>(this: DStream<Pair<K, V>>, other: DStream<Pair<K, W>>, numPartitions?: number): DStream<[K, [V, W | null]]> {
    return pairs.joinStreams(this, other, 'leftOuterJoin', (a, b, n) => a.leftOuterJoin(b, n), numPartitions)
  }

  rightOuterJoin<K, V, W>(this: DStream<Pair<K, V>>, other: DStream<Pair<K, W>>, numPartitions?: number): DStream<[K, [V | null, W]]> {
    return pairs.joinStreams(this, other, 'rightOuterJoin', (a, b, n) => a.rightOuterJoin(b, n), numPartitions)
  }

  fullOuterJoin<K, V, W>(this: DStream<Pair<K, V>>, other: DStream<Pair<K, W>>, numPartitions?: number): DStream<[K, [V | null, W | null]]> {
    return pairs.joinStreams(this, other, 'fullOuterJoin', (a, b, n) => a.fullOuterJoin(b, n), numPartitions)
  }

  cogroup<K, V, W>(this: DStream<Pair<K, V>>, other: DStream<Pair<K, W>>, numPartitions?: number): DStream<[K, [V[], W[]]]> {
    return pairs.joinStreams(this, other, 'cogroup', (a, b, n) => a.cogroup(b, n), numPartitions)
  }

  groupByKeyAndWindow<K, V>(this: DStream<Pair<K, V>>, windowDuration: DurationLike, slideDuration?: DurationLike, numPartitions?: number): DStream<[K, V[]]> {
    return windows.groupByKeyAndWindow(this, windowDuration, slideDuration, numPartitions)
  }

  reduceByKeyAndWindow<K, V>(this: DStream<Pair<K, V>>, fn: (a: V, b: V) => V, windowDuration: DurationLike, slideDuration?: DurationLike, numPartitions?: number): DStream<[K, V]>
  reduceByKeyAndWindow<K, V>(
    this: DStream<Pair<K, V>>,
    fn: (a: V, b: V) => V,
    invFn: (a: V, b: V) => V,
    windowDuration: DurationLike,
    slideDuration?: DurationLike,
    numPartitions?: number,
    filterFn?: (record: [K, V]) => boolean,
  ): DStream<[K, V]>
  reduceByKeyAndWindow<K, V>(this: DStream<Pair<K, V>>, fn: (a: V, b: V) => V, ...rest: unknown[]): DStream<[K, V]> {
    return windows.reduceByKeyAndWindow(this, fn, rest)
  }

  /**
   * The whole keyed state as a stream: every batch, `updateFn(newValues, state)` for every key
   * with state or new values; null or undefined removes the key. A function declared with four
   * parameters `(time, key, newValues, state)` also gets the batch time and the key.
   */
  updateStateByKey<K, V, S>(
    this: DStream<Pair<K, V>>,
    updateFn: (newValues: V[], state: S | null) => S | null | undefined,
    options?: { numPartitions?: number; initialRDD?: RDD<[K, S]> },
  ): DStream<[K, S]>
  updateStateByKey<K, V, S>(
    this: DStream<Pair<K, V>>,
    updateFn: (time: Time, key: K, newValues: V[], state: S | null) => S | null | undefined,
    options?: { numPartitions?: number; initialRDD?: RDD<[K, S]> },
  ): DStream<[K, S]>
  // One overload per form: with their union as one parameter type, TypeScript infers K from a
  // two-parameter function's parameters against the four-parameter form and rejects it.
  updateStateByKey<K, V, S>(
    this: DStream<Pair<K, V>>,
    updateFn: ((newValues: V[], state: S | null) => S | null | undefined) | ((time: Time, key: K, newValues: V[], state: S | null) => S | null | undefined),
    options?: { numPartitions?: number; initialRDD?: RDD<[K, S]> },
  ): DStream<[K, S]> {
    return pairs.updateStateByKey(this, updateFn, options ?? {})
  }

  /**
   * Keyed state updated record by record: `spec`'s function gets each
   * record's key, value and State, and the stream holds what it returns.
   * Costs what the batch's keys cost, however large the state.
   */
  mapWithState<K, V, S, M>(this: DStream<Pair<K, V>>, spec: StateSpec<K, V, S, M>): MapWithStateDStream<K, V, S, M> {
    return new MapWithStateDStream(this, spec)
  }

  // ---- output operations ----

  /** Runs `fn` on the driver with each batch's RDD; an async body is awaited before the next output operation. */
  foreachRDD(fn: (rdd: RDD<T>, time: Time) => void | Promise<void>): void {
    new ForEachDStream(this, 'foreachRDD', fn).register()
  }

  /** Prints the first `num` records of every batch under Spark's header, `...` when there are more. */
  print(num = 10): void {
    ops.print(this, num)
  }

  pprint(num = 10): void {
    this.print(num)
  }

  /** Saves each batch as text files in the directory `prefix-<time ms>[.suffix]`. */
  saveAsTextFiles(prefix: string, suffix?: string): void {
    ops.saveAsTextFiles(this, prefix, suffix)
  }
}

/** Spark's default checkpoint interval: the first multiple of the slide that is at least 10 s. */
function defaultCheckpointInterval(slide: Duration): Duration {
  return slide.times(Math.max(1, Math.ceil(10_000 / slide.milliseconds)))
}
