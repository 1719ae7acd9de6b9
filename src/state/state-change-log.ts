import type { StateChanges, StateRestore } from '../rdd/plan.js'

/** Below this many bytes of changes, a partition is not worth compacting. */
const MIN_COMPACTION_BYTES = 4 * 1024 * 1024

interface PartitionLog {
  base: Uint8Array | null
  baseVersion: number | null
  deltas: { readonly version: number; readonly bytes: Uint8Array }[]
  deltaBytes: number
}

/**
 * The driver's copy of a mapWithState stream's keyed state: per partition,
 * an image at some version and the changes of each batch after it. Workers
 * keep the live state; this log is what a replacement worker (or a
 * partition moved to another executor) rebuilds it from, and what
 * checkpoints write. Each batch adds only its changes; when the changes
 * outgrow the image, the next update also returns a fresh image, so the
 * log stays within about twice the state and its cost per batch stays
 * proportional to the keys the batch touched.
 */
export class StateChangeLog {
  readonly #partitions: PartitionLog[]
  #latestVersion: number | null = null

  constructor(numPartitions: number, initialVersion: number | null = null) {
    this.#partitions = Array.from({ length: numPartitions }, () => ({ base: null, baseVersion: initialVersion, deltas: [], deltaBytes: 0 }))
    this.#latestVersion = initialVersion
  }

  /** The last batch time whose changes every partition has recorded, or null before any. */
  get latestVersion(): number | null {
    return this.#latestVersion
  }

  /** Sets partition images as of `version` (the initial state, or state read from a checkpoint). */
  setImages(images: readonly (Uint8Array | null)[], version: number): void {
    images.forEach((image, partition) => {
      this.#partitions[partition] = { base: image, baseVersion: version, deltas: [], deltaBytes: 0 }
    })
    this.#latestVersion = version
  }

  /** Recovery: the state after the batch at `version`, from a checkpoint's images and changes (later changes dropped). */
  restoreFrom(parts: readonly (StateRestore & { readonly partition: number })[], version: number): void {
    for (const part of parts) {
      const deltas = part.deltas.filter((delta) => delta.version <= version)
      this.#partitions[part.partition] = { base: part.base, baseVersion: part.baseVersion, deltas, deltaBytes: deltas.reduce((sum, delta) => sum + delta.bytes.byteLength, 0) }
    }
    this.#latestVersion = version
  }

  record(changes: StateChanges): void {
    const log = this.#partitions[changes.partition]
    if (log === undefined) throw new RangeError(`state partition ${changes.partition} does not exist`)
    const last = log.deltas.at(-1)?.version ?? log.baseVersion
    // A batch recomputed after its changes were recorded brings the same changes again.
    if (last !== null && changes.version <= last) return
    if (changes.image !== null) {
      log.base = changes.image
      log.baseVersion = changes.version
      log.deltas = []
      log.deltaBytes = 0
    } else {
      log.deltas.push({ version: changes.version, bytes: changes.changes })
      log.deltaBytes += changes.changes.byteLength
    }
    const oldest = Math.min(...this.#partitions.map((partition) => partition.deltas.at(-1)?.version ?? partition.baseVersion ?? Number.NEGATIVE_INFINITY))
    this.#latestVersion = Number.isFinite(oldest) ? oldest : null
  }

  restore(partition: number): StateRestore {
    const log = this.#partitions[partition] as PartitionLog
    return { base: log.base, baseVersion: log.baseVersion, deltas: [...log.deltas] }
  }

  needsCompaction(partition: number): boolean {
    const log = this.#partitions[partition] as PartitionLog
    return log.deltaBytes > Math.max(MIN_COMPACTION_BYTES, log.base?.byteLength ?? 0)
  }
}

const logs = new Map<number, StateChangeLog>()

/** Makes `log` the place where the changes of state store `storeId` are recorded. */
export function registerStateChangeLog(storeId: number, log: StateChangeLog): void {
  logs.set(storeId, log)
}

/** Records the changes a successful task reports; called by the scheduler as each task succeeds. */
export function recordStateChanges(changes: readonly StateChanges[]): void {
  for (const change of changes) logs.get(change.storeId)?.record(change)
}
