import { userCallSite } from '../common/call-site.js'
import { IllegalStateError } from '../common/errors.js'
import type { KeyMap } from '../common/keys.js'
import type { SparkContext } from '../spark-context.js'
import type { Dependency } from './dependency.js'
import { actions, pairs, ops } from './internal.js'
import type { Partitioner } from './partitioner.js'
import type { PlanNode } from './plan.js'

type Pair<K, V> = [K, V]

/**
 * A Resilient Distributed Dataset: an immutable, partitioned collection
 * computed by the worker pool. Every RDD knows its partitions, the RDDs it
 * is computed from (its dependencies, narrow or shuffle), and how a worker
 * computes one partition (`compute`, a plan of fused narrow operations).
 * Transformations return new RDDs at once and compute nothing; actions run
 * a job and return a Promise.
 *
 * Pair operations (`reduceByKey`, `join`, ...) are available on every RDD
 * and require records that are `[key, value]` arrays; keys compare by value.
 *
 * @example
 * const counts = await sc.textFile('book.txt')
 *   .flatMap((line) => line.split(' '))
 *   .map((word) => [word, 1] as [string, number])
 *   .reduceByKey((a, b) => a + b)
 *   .collectAsMap()
 */
export abstract class RDD<T> {
  readonly id: number
  readonly context: SparkContext
  /** `operation at file.ts:line`, as Spark's call site. */
  readonly creationSite: string
  name: string | null = null
  #persisted = false
  #checkpointRequested = false
  #checkpointDirectory: string | null = null
  #prepared: Promise<void> | null = null

  constructor(context: SparkContext, operation: string) {
    this.context = context
    this.id = context.newRddId()
    this.creationSite = `${operation} at ${userCallSite()}`
  }

  // ---- implemented by each kind of RDD ----

  abstract getNumPartitions(): number

  /** The RDDs this one is computed from, with how partitions depend on them. */
  abstract get dependencies(): readonly Dependency[]

  /** How a worker computes `partition` from the dependencies' partitions. */
  protected abstract compute(partition: number): PlanNode

  /** Set on pair RDDs whose keys are placed by a known partitioner (after a shuffle). */
  get partitioner(): Partitioner | null {
    return null
  }

  /**
   * The executor whose worker should compute `partition` (Spark's preferred
   * locations): where the keyed state of a mapWithState partition lives.
   * A narrow one-to-one child follows its parent; other RDDs have none.
   */
  preferredLocation(partition: number): number | null {
    const first = this.dependencies[0]
    if (first === undefined || first.kind !== 'narrow' || first.rdd.getNumPartitions() !== this.getNumPartitions()) return null
    return first.rdd.preferredLocation(partition)
  }

  /** Driver-side work that must finish before a job's stages are planned, such as sampling keys for sortByKey. */
  protected async prepareOnce(): Promise<void> {}

  // ---- shared machinery ----

  prepare(): Promise<void> {
    this.#prepared ??= this.prepareOnce()
    return this.#prepared
  }

  /** The plan of one partition: read from the cache or a checkpoint when there is one, computed otherwise. */
  plan(partition: number): PlanNode {
    if (this.#checkpointDirectory !== null) {
      return { kind: 'recordFile', path: `${this.#checkpointDirectory}/part-${String(partition).padStart(5, '0')}` }
    }
    if (!this.#persisted) return this.compute(partition)
    const cached = this.context.blockManager.get(this.id, partition)
    if (cached !== undefined) return { kind: 'data', bytes: cached }
    return { kind: 'cache', rddId: this.id, partition, input: this.compute(partition) }
  }

  /** Whether the stages behind this RDD must run: not when every partition is cached or checkpointed. */
  get isMaterialized(): boolean {
    if (this.#checkpointDirectory !== null) return true
    return this.#persisted && this.context.blockManager.hasAll(this.id, this.getNumPartitions())
  }

  get storageLevel(): 'NONE' | 'MEMORY_ONLY_SER' {
    return this.#persisted ? 'MEMORY_ONLY_SER' : 'NONE'
  }

  /** Keeps computed partitions in the driver's memory, encoded, for later jobs (MEMORY_ONLY_SER). */
  persist(): this {
    this.#persisted = true
    return this
  }

  cache(): this {
    return this.persist()
  }

  unpersist(): this {
    this.#persisted = false
    this.context.blockManager.remove(this.id)
    return this
  }

  setName(name: string): this {
    this.name = name
    return this
  }

  /**
   * Marks this RDD to be saved to the context's checkpoint directory when
   * the next job on it completes; its lineage is then cut at the saved files.
   */
  checkpoint(): void {
    if (this.context.checkpointDirectory === null) {
      throw new IllegalStateError('Checkpoint directory has not been set in the SparkContext; call sc.setCheckpointDir(dir) first')
    }
    this.#checkpointRequested = true
  }

  isCheckpointed(): boolean {
    return this.#checkpointDirectory !== null
  }

  getCheckpointFile(): string | null {
    return this.#checkpointDirectory
  }

  /**
   * Saves the RDD if it was marked with `checkpoint()`, and otherwise the
   * nearest marked RDDs it is computed from, as Spark's `doCheckpoint` does;
   * called after each job on it.
   */
  async doCheckpoint(visited = new Set<RDD<unknown>>()): Promise<void> {
    if (visited.has(this) || this.#checkpointDirectory !== null) return
    visited.add(this)
    if (!this.#checkpointRequested) {
      for (const dependency of this.dependencies) await dependency.rdd.doCheckpoint(visited)
      return
    }
    this.#checkpointRequested = false
    this.#checkpointDirectory = await this.context.writeCheckpoint(this)
  }

  toDebugString(): string {
    return ops.debugString(this)
  }

  toString(): string {
    return `${this.name === null ? '' : `${this.name} `}${this.constructor.name}[${this.id}] at ${this.creationSite}`
  }

  // ---- transformations ----

  map<U>(fn: (value: T) => U): RDD<U> {
    return ops.narrow(this, 'map', fn, false)
  }

  flatMap<U>(fn: (value: T) => Iterable<U>): RDD<U> {
    return ops.narrow(this, 'flatMap', fn, false)
  }

  filter(fn: (value: T) => unknown): RDD<T> {
    return ops.narrow(this, 'filter', fn, true)
  }

  mapPartitions<U>(fn: (values: IterableIterator<T>) => Iterable<U>, preservesPartitioning = false): RDD<U> {
    return ops.narrow(this, 'mapPartitions', fn, preservesPartitioning)
  }

  mapPartitionsWithIndex<U>(fn: (index: number, values: IterableIterator<T>) => Iterable<U>, preservesPartitioning = false): RDD<U> {
    return ops.mapPartitionsWithIndex(this, fn, preservesPartitioning)
  }

  glom(): RDD<T[]> {
    return ops.glom(this)
  }

  distinct(numPartitions?: number): RDD<T> {
    return ops.distinct(this, numPartitions)
  }

  union(other: RDD<T>): RDD<T> {
    return this.context.union(this, other)
  }

  intersection(other: RDD<T>, numPartitions?: number): RDD<T> {
    return ops.intersection(this, other, numPartitions)
  }

  subtract(other: RDD<T>, numPartitions?: number): RDD<T> {
    return ops.subtract(this, other, numPartitions)
  }

  cartesian<U>(other: RDD<U>): RDD<[T, U]> {
    return ops.cartesian(this, other)
  }

  sample(withReplacement: boolean, fraction: number, seed?: number): RDD<T> {
    return ops.sample(this, withReplacement, fraction, seed)
  }

  sortBy<K>(fn: (value: T) => K, ascending = true, numPartitions?: number): RDD<T> {
    return ops.sortBy(this, fn, ascending, numPartitions)
  }

  repartition(numPartitions: number): RDD<T> {
    return ops.repartition(this, numPartitions)
  }

  coalesce(numPartitions: number, shuffle = false): RDD<T> {
    return ops.coalesce(this, numPartitions, shuffle)
  }

  keyBy<K>(fn: (value: T) => K): RDD<[K, T]> {
    return ops.keyBy(this, fn)
  }

  zipWithIndex(): RDD<[T, number]> {
    return ops.zipWithIndex(this)
  }

  // ---- pair transformations ----

  mapValues<K, V, U>(this: RDD<Pair<K, V>>, fn: (value: V) => U): RDD<[K, U]> {
    return pairs.mapValues(this, fn)
  }

  flatMapValues<K, V, U>(this: RDD<Pair<K, V>>, fn: (value: V) => Iterable<U>): RDD<[K, U]> {
    return pairs.flatMapValues(this, fn)
  }

  keys<K, V>(this: RDD<Pair<K, V>>): RDD<K> {
    return pairs.keys(this)
  }

  values<K, V>(this: RDD<Pair<K, V>>): RDD<V> {
    return pairs.values(this)
  }

  combineByKey<K, V, C>(
    this: RDD<Pair<K, V>>,
    createCombiner: (value: V) => C,
    mergeValue: (combiner: C, value: V) => C,
    mergeCombiners: (a: C, b: C) => C,
    numPartitions?: number,
  ): RDD<[K, C]> {
    return pairs.combineByKey(this, 'combineByKey', { createCombiner, mergeValue, mergeCombiners }, numPartitions, true)
  }

  reduceByKey<K, V>(this: RDD<Pair<K, V>>, fn: (a: V, b: V) => V, numPartitions?: number): RDD<[K, V]> {
    return pairs.reduceByKey(this, fn, numPartitions)
  }

  groupByKey<K, V>(this: RDD<Pair<K, V>>, numPartitions?: number): RDD<[K, V[]]> {
    return pairs.groupByKey(this, numPartitions)
  }

  aggregateByKey<K, V, U>(this: RDD<Pair<K, V>>, zero: U, seqOp: (acc: U, value: V) => U, combOp: (a: U, b: U) => U, numPartitions?: number): RDD<[K, U]> {
    return pairs.aggregateByKey(this, 'aggregateByKey', zero, seqOp, combOp, numPartitions)
  }

  foldByKey<K, V>(this: RDD<Pair<K, V>>, zero: V, fn: (a: V, b: V) => V, numPartitions?: number): RDD<[K, V]> {
    return pairs.aggregateByKey(this, 'foldByKey', zero, fn, fn, numPartitions)
  }

  sortByKey<K, V>(this: RDD<Pair<K, V>>, ascending = true, numPartitions?: number): RDD<[K, V]> {
    return pairs.sortByKey(this, ascending, numPartitions)
  }

  partitionBy<K, V>(this: RDD<Pair<K, V>>, numPartitions: number | Partitioner): RDD<[K, V]> {
    return pairs.partitionBy(this, numPartitions)
  }

  join<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, W>>, numPartitions?: number): RDD<[K, [V, W]]> {
    return pairs.join(this, other, 'inner', numPartitions) as RDD<[K, [V, W]]>
  }

  leftOuterJoin<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, W>>, numPartitions?: number): RDD<[K, [V, W | null]]> {
    return pairs.join(this, other, 'left', numPartitions) as RDD<[K, [V, W | null]]>
  }

  rightOuterJoin<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, W>>, numPartitions?: number): RDD<[K, [V | null, W]]> {
    return pairs.join(this, other, 'right', numPartitions) as RDD<[K, [V | null, W]]>
  }

  fullOuterJoin<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, W>>, numPartitions?: number): RDD<[K, [V | null, W | null]]> {
    return pairs.join(this, other, 'full', numPartitions)
  }

  cogroup<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, W>>, numPartitions?: number): RDD<[K, [V[], W[]]]> {
    return pairs.cogroup([this, other], numPartitions) as RDD<[K, [V[], W[]]]>
  }

  subtractByKey<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, W>>, numPartitions?: number): RDD<[K, V]> {
    return pairs.subtractByKey(this, other, numPartitions)
  }

  // ---- actions ----

  collect(): Promise<T[]> {
    return actions.collect(this)
  }

  count(): Promise<number> {
    return actions.count(this)
  }

  first(): Promise<T> {
    return actions.first(this)
  }

  take(n: number): Promise<T[]> {
    return actions.take(this, n)
  }

  top(n: number, compare?: (a: T, b: T) => number): Promise<T[]> {
    return actions.takeOrdered(this, n, true, compare)
  }

  takeOrdered(n: number, compare?: (a: T, b: T) => number): Promise<T[]> {
    return actions.takeOrdered(this, n, false, compare)
  }

  reduce(fn: (a: T, b: T) => T): Promise<T> {
    return actions.reduce(this, fn)
  }

  fold(zero: T, fn: (a: T, b: T) => T): Promise<T> {
    return actions.aggregate(this, 'fold', zero, fn, fn)
  }

  aggregate<U>(zero: U, seqOp: (acc: U, value: T) => U, combOp: (a: U, b: U) => U): Promise<U> {
    return actions.aggregate(this, 'aggregate', zero, seqOp, combOp)
  }

  sum(this: RDD<number>): Promise<number> {
    return actions.sum(this)
  }

  mean(this: RDD<number>): Promise<number> {
    return actions.mean(this)
  }

  max(compare?: (a: T, b: T) => number): Promise<T> {
    return actions.extreme(this, 'max', compare)
  }

  min(compare?: (a: T, b: T) => number): Promise<T> {
    return actions.extreme(this, 'min', compare)
  }

  countByKey<K, V>(this: RDD<Pair<K, V>>): Promise<KeyMap<K, number>> {
    return actions.countByKey(this)
  }

  countByValue(): Promise<KeyMap<T, number>> {
    return actions.countByValue(this)
  }

  collectAsMap<K, V>(this: RDD<Pair<K, V>>): Promise<KeyMap<K, V>> {
    return actions.collectAsMap(this)
  }

  lookup<K, V>(this: RDD<Pair<K, V>>, key: K): Promise<V[]> {
    return actions.lookup(this, key)
  }

  isEmpty(): Promise<boolean> {
    return actions.isEmpty(this)
  }

  foreach(fn: (value: T) => void): Promise<void> {
    return actions.foreach(this, fn)
  }

  foreachPartition(fn: (values: IterableIterator<T>) => void): Promise<void> {
    return actions.foreachPartition(this, fn)
  }

  saveAsTextFile(directory: string): Promise<void> {
    return actions.saveAsTextFile(this, directory)
  }
}
