import { mkdirSync, mkdtempSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join, resolve } from 'node:path'

import { createLongAccumulator, type LongAccumulator } from './closure/accumulator.js'
import { type Broadcast, createBroadcast } from './closure/broadcast.js'
import { IllegalStateError } from './common/errors.js'
import { logger } from './common/logger.js'
import { SparkConf } from './common/spark-conf.js'
import { WorkerPool } from './executor/worker-pool.js'
import { ParallelCollectionRDD, type RDD, TextFileRDD, UnionRDD } from './rdd/index.js'
import type { TaskOutput } from './rdd/plan.js'
import { BlockManager, ConsoleProgressBar, DAGScheduler, MapOutputTracker, TaskSetManager } from './scheduler/index.js'
import { recordStateChanges } from './state/state-change-log.js'

const DEFAULT_MAX_FAILURES = 4

/**
 * The entry point of a sluice application, as in Spark: it owns the worker
 * pool and the scheduler, creates RDDs, and runs their jobs. One is active
 * per process.
 *
 * @example
 * const sc = SparkContext.getOrCreate(new SparkConf().setMaster('local[2]').setAppName('wordcount'))
 * const total = await sc.parallelize([1, 2, 3]).sum()
 * await sc.stop()
 */
export class SparkContext {
  static #active: SparkContext | null = null

  readonly master: string
  readonly appName: string
  readonly defaultParallelism: number
  readonly blockManager = new BlockManager()
  readonly mapOutputs = new MapOutputTracker()
  readonly #conf: SparkConf
  readonly #pool: WorkerPool
  readonly #scheduler: DAGScheduler
  #checkpointDirectory: string | null = null
  #stopped = false
  #stopping: Promise<void> | null = null
  #nextRddId = 0
  #nextShuffleId = 0

  /** The active context, or a new one from `conf`; as in Spark, `conf` is ignored when a context is already active. */
  static getOrCreate(conf?: SparkConf): SparkContext {
    return SparkContext.#active ?? new SparkContext(conf)
  }

  /** The active context, if any. */
  static getActive(): SparkContext | null {
    return SparkContext.#active
  }

  constructor(conf: SparkConf = new SparkConf()) {
    if (SparkContext.#active !== null) {
      throw new IllegalStateError('Only one SparkContext may be running in this process; use SparkContext.getOrCreate() or stop() the active one first')
    }
    this.#conf = conf.clone()
    this.master = this.#conf.get('spark.master', 'local[*]')
    this.appName = this.#conf.get('spark.app.name', 'sluice')
    // Every setting is checked before the pool exists, so a bad one leaves no threads behind.
    const { threads, maxFailures } = parseMaster(this.master)
    this.defaultParallelism = positiveSetting(this.#conf, 'spark.default.parallelism', threads)
    const maxHeapMb = heapLimitMb(this.#conf.getOption('spark.executor.memory'))
    const taskMaxFailures = maxFailures ?? positiveSetting(this.#conf, 'spark.task.maxFailures', DEFAULT_MAX_FAILURES)
    this.#pool = new WorkerPool({ threads, maxHeapMb })
    const progress = ConsoleProgressBar.isWanted(this.#conf.getBoolean('spark.ui.showConsoleProgress', true)) ? new ConsoleProgressBar(threads) : null
    const tasks = new TaskSetManager(this.#pool, taskMaxFailures, progress)
    this.#scheduler = new DAGScheduler(tasks, this.mapOutputs, this.blockManager, recordStateChanges)
    SparkContext.#active = this
    logger.info('SparkContext', `Running sluice application ${this.appName} on ${this.master} with ${threads} worker threads`)
  }

  /** A copy of this context's configuration. */
  getConf(): SparkConf {
    return this.#conf.clone()
  }

  get isStopped(): boolean {
    return this.#stopped
  }

  get checkpointDirectory(): string | null {
    return this.#checkpointDirectory
  }

  /** Sets the level of the process's logger: ALL, TRACE, DEBUG, INFO, WARN (default), ERROR, FATAL or OFF. */
  setLogLevel(level: string): void {
    logger.setLevel(level)
  }

  /** Where `rdd.checkpoint()` saves RDDs; a fresh subdirectory per context, as Spark does. */
  setCheckpointDir(directory: string): void {
    const root = resolve(directory)
    mkdirSync(root, { recursive: true, mode: 0o700 })
    this.#checkpointDirectory = mkdtempSync(join(root, `${this.appName.replace(/[^\w.-]/g, '_')}-`))
  }

  /** The elements of `data` cut into `numSlices` partitions (Spark's slicing), encoded once and shared with the workers. */
  parallelize<T>(data: Iterable<T>, numSlices = this.defaultParallelism): RDD<T> {
    this.#assertRunning()
    if (!Number.isInteger(numSlices) || numSlices < 1) throw new RangeError(`numSlices must be a positive integer, got ${numSlices}`)
    return new ParallelCollectionRDD(this, Array.from(data), numSlices)
  }

  /** The lines of a text file (or directory, glob, comma-separated list, or array of exact paths), split at line boundaries into at least `minPartitions` partitions. */
  textFile(path: string | readonly string[], minPartitions = Math.min(this.defaultParallelism, 2)): RDD<string> {
    this.#assertRunning()
    return new TextFileRDD(this, path, minPartitions)
  }

  emptyRDD<T>(): RDD<T> {
    this.#assertRunning()
    return new ParallelCollectionRDD<T>(this, [], 0, 'emptyRDD')
  }

  union<T>(...rdds: RDD<T>[]): RDD<T> {
    this.#assertRunning()
    if (rdds.length === 0) throw new RangeError('union needs at least one RDD')
    return new UnionRDD(this, rdds)
  }

  /** A read-only value shipped to each worker once, read there through `.value` in a function given `capture({ b }, ...)`. */
  broadcast<T>(value: T): Broadcast<T> {
    this.#assertRunning()
    return createBroadcast(value)
  }

  /** A counter that tasks add to (through `capture`); the driver reads the total of the successful tasks in `.value`. */
  longAccumulator(name?: string): LongAccumulator {
    this.#assertRunning()
    return createLongAccumulator(name)
  }

  /**
   * Runs a job: `output` for each of the given partitions of `rdd`.
   * Used by RDD actions and by the streaming layer; not for applications.
   */
  async runJob<U>(rdd: RDD<unknown>, output: TaskOutput, partitions?: readonly number[]): Promise<U[]> {
    this.#assertRunning()
    const results = await this.#scheduler.runJob<U>(rdd, output, partitions)
    await rdd.doCheckpoint()
    return results
  }

  /** Saves every partition of `rdd` under the checkpoint directory; returns where. */
  async writeCheckpoint(rdd: RDD<unknown>): Promise<string> {
    if (this.#checkpointDirectory === null) throw new IllegalStateError('Checkpoint directory has not been set in the SparkContext; call sc.setCheckpointDir(dir) first')
    const directory = join(this.#checkpointDirectory, `rdd-${rdd.id}`)
    await this.#scheduler.runJob(rdd, { kind: 'writeRecords', directory })
    return directory
  }

  newRddId(): number {
    return this.#nextRddId++
  }

  newShuffleId(): number {
    return this.#nextShuffleId++
  }

  /** Stops the worker pool and releases cached data; the context cannot be used again. */
  stop(): Promise<void> {
    // A second call waits for the first to finish closing the pool.
    this.#stopping ??= this.#halt()
    return this.#stopping
  }

  async #halt(): Promise<void> {
    this.#stopped = true
    if (SparkContext.#active === this) SparkContext.#active = null
    this.blockManager.clear()
    this.mapOutputs.clear()
    await this.#pool.close()
    logger.info('SparkContext', 'Successfully stopped SparkContext')
  }

  #assertRunning(): void {
    if (this.#stopped) throw new IllegalStateError(`Cannot call methods on a stopped SparkContext (${this.appName}); create a new one with SparkContext.getOrCreate(conf)`)
  }
}

/** `local`, `local[N]`, `local[*]` and Spark's `local[N, maxFailures]`. */
function parseMaster(master: string): { threads: number; maxFailures: number | null } {
  const match = /^local(?:\[(\*|\d+)(?:\s*,\s*(\d+))?\])?$/.exec(master.trim())
  const threads = match === null ? Number.NaN : match[1] === undefined ? 1 : match[1] === '*' ? availableParallelism() : Number(match[1])
  if (match === null || !(threads >= 1)) {
    throw new RangeError(`Could not parse master URL ${JSON.stringify(master)}; use "local", "local[N]" with N >= 1, or "local[*]"`)
  }
  const maxFailures = match[2] === undefined ? null : Number(match[2])
  if (maxFailures === 0) {
    throw new RangeError(`The maximum number of task failures in master URL ${JSON.stringify(master)} must be at least 1, got 0`)
  }
  return { threads, maxFailures }
}

/** An integer setting that must be at least 1, such as spark.task.maxFailures. */
function positiveSetting(conf: SparkConf, key: string, defaultValue: number): number {
  const value = conf.getInt(key, defaultValue)
  if (value < 1) throw new RangeError(`${key} must be a positive integer, got ${JSON.stringify(conf.get(key))}`)
  return value
}

/** spark.executor.memory as a per-worker heap limit: `512m`, `2g`, or megabytes. */
function heapLimitMb(setting: string | null): number | null {
  if (setting === null) return null
  const match = /^(\d+)\s*([kmgt]?)b?$/i.exec(setting.trim())
  if (match === null) throw new RangeError(`spark.executor.memory must look like 512m or 2g, got ${JSON.stringify(setting)}`)
  const scale: Record<string, number> = { k: 1 / 1024, m: 1, g: 1024, t: 1024 * 1024, '': 1 / (1024 * 1024) }
  return Math.max(16, Math.round(Number(match[1]) * (scale[(match[2] ?? '').toLowerCase()] ?? 1)))
}
