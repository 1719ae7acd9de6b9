import { capture } from '../../closure/ship.js'
import { type Duration, Time } from '../../common/time.js'
import { BlockRDD, CoGroupedRDD, HashPartitioner, type RDD } from '../../rdd/index.js'
import type { PartitionState } from '../../recovery/index.js'
import type { CheckpointedState } from '../checkpoint-hooks.js'
import { partitionImages, rddOfImages } from '../partition-images.js'
import { DStream } from './internal.js'
import { requireMultiple } from './windowed-dstream.js'

type Pair<K, V> = [K, V]

/**
 * `reduceByKeyAndWindow(fn, invFn, w, s)`: Spark's incremental window.
 * The value of a key in the window ending at t is the previous window's
 * value, minus (invFn) the batches that left the window, plus (fn) the
 * batches that entered it. Keys whose value returns to "zero" stay unless
 * `filterFn` drops them. Each window depends on the previous one, so the
 * stream must be checkpointed: its checkpoints hold the latest window's
 * value, and recovery goes on from it.
 */
export class ReducedWindowedDStream<K, V> extends DStream<[K, V]> implements CheckpointedState {
  readonly #reduced: DStream<Pair<K, V>>
  readonly #fn: (a: V, b: V) => V
  readonly #invFn: (a: V, b: V) => V
  readonly #filterFn: ((record: Pair<K, V>) => boolean) | null
  readonly #windowDuration: Duration
  readonly #slideDuration: Duration
  readonly #partitioner: HashPartitioner
  readonly #mergers = new Map<string, (groups: unknown[][]) => V>()

  constructor(
    parent: DStream<Pair<K, V>>,
    fn: (a: V, b: V) => V,
    invFn: (a: V, b: V) => V,
    filterFn: ((record: Pair<K, V>) => boolean) | null,
    windowDuration: Duration,
    slideDuration: Duration,
    numPartitions: number,
  ) {
    super(parent.context, 'reduceByKeyAndWindow')
    requireMultiple('window duration', windowDuration, parent)
    requireMultiple('slide duration', slideDuration, parent)
    this.#reduced = parent.reduceByKey(fn, numPartitions).persist()
    this.#fn = fn
    this.#invFn = invFn
    this.#filterFn = filterFn
    this.#windowDuration = windowDuration
    this.#slideDuration = slideDuration
    this.#partitioner = new HashPartitioner(numPartitions)
    this.persist()
  }

  get slideDuration(): Duration {
    return this.#slideDuration
  }

  get dependencies(): readonly DStream<unknown>[] {
    return [this.#reduced]
  }

  override get mustCheckpoint(): boolean {
    return true
  }

  protected override get parentRememberDuration(): Duration {
    return this.rememberDuration.plus(this.#windowDuration)
  }

  /** The previous window is restored from checkpoints; the batches that leave it reach back a window and a slide. */
  override get lookbackMs(): number {
    return this.#windowDuration.milliseconds + this.#slideDuration.milliseconds - this.#reduced.slideDuration.milliseconds + this.#reduced.lookbackMs
  }

  compute(time: Time): RDD<[K, V]> {
    const parentSlide = this.#reduced.slideDuration.milliseconds
    const currentStart = time.milliseconds - this.#windowDuration.milliseconds + parentSlide
    const previousEnd = time.milliseconds - this.#slideDuration.milliseconds
    const previousStart = currentStart - this.#slideDuration.milliseconds
    // Batches that left the window since the previous one, and batches that entered it. With a
    // slide longer than the window the two windows do not overlap (the batches between them are
    // in neither), so the whole previous window leaves and the whole current one enters.
    const leaving = this.#reduced.rddsBetween(new Time(previousStart), new Time(Math.min(currentStart - parentSlide, previousEnd)))
    const entering = this.#reduced.rddsBetween(new Time(Math.max(previousEnd + parentSlide, currentStart)), time)
    const previousWindow = this.getOrCompute(new Time(previousEnd))
    const previous = previousWindow === undefined ? this.context.sparkContext.emptyRDD<Pair<K, V>>() : BlockRDD.ofCached(previousWindow)
    const cogrouped = new CoGroupedRDD<K>([previous, ...leaving, ...entering] as RDD<unknown>[], this.#partitioner, 'reduceByKeyAndWindow')
    const merged = cogrouped.mapValues(this.#merger(leaving.length, entering.length)) as RDD<Pair<K, V>>
    return this.#filterFn === null ? merged : merged.filter(this.#filterFn)
  }

  // ---- checkpoints (CheckpointedState): an image of every partition of the latest window, versioned by the window's time ----

  async stateCheckpoint(timeMs: number, stream: string): Promise<PartitionState[]> {
    const windowMs = new Time(timeMs).floor(this.#slideDuration, this.zeroTime).milliseconds
    return partitionImages(this.generatedRDDs.get(windowMs), stream, this.#partitioner, windowMs)
  }

  restoreState(parts: readonly PartitionState[], versionMs: number): void {
    const windowMs = parts[0]?.baseVersion ?? versionMs
    this.restoreRDD(new Time(windowMs), rddOfImages(this.context.sparkContext, parts, this.#partitioner, 'restored window'))
  }

  /** One merge function per shape of window, so workers compile it once rather than every batch. */
  #merger(leaving: number, entering: number): (groups: unknown[][]) => V {
    const key = `${leaving}/${entering}`
    let merger = this.#mergers.get(key)
    if (merger === undefined) {
      merger = this.#makeMerger(leaving, entering)
      this.#mergers.set(key, merger)
    }
    return merger
  }

  #makeMerger(leaving: number, entering: number): (groups: unknown[][]) => V {
    const fn = this.#fn
    const invFn = this.#invFn
    return capture({ fn, invFn, leaving, entering }, (groups: unknown[][]) => {
      const reduceFirsts = (from: number, count: number): V[] => {
        const values: V[] = []
        for (let i = from; i < from + count; i++) {
          const group = groups[i] as V[]
          if (group.length > 0) values.push(group[0] as V)
        }
        return values
      }
      const old = reduceFirsts(1, leaving)
      const added = reduceFirsts(1 + leaving, entering)
      const previous = groups[0] as V[]
      if (previous.length === 0) {
        if (added.length === 0) {
          throw new Error('Neither the previous window nor the new batches have a value for a key; keys must hash and compare consistently')
        }
        return added.reduce((a, b) => fn(a, b))
      }
      let value = previous[0] as V
      if (old.length > 0) value = invFn(value, old.reduce((a, b) => fn(a, b)))
      if (added.length > 0) value = fn(value, added.reduce((a, b) => fn(a, b)))
      return value
    })
  }
}
