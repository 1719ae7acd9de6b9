import type { Checkpoint, PartitionState } from './checkpoint.js'
import { STREAM_ID } from './checkpoint-layout.js'

/** Checks a checkpoint given to `CheckpointStore.write`, throwing a TypeError or RangeError named by field path. */
export function validateCheckpoint(checkpoint: Checkpoint): void {
  if (typeof checkpoint !== 'object' || checkpoint === null) throw new TypeError(`checkpoint must be an object, got ${String(checkpoint)}`)
  checkTime(checkpoint.batchTimeMs, 'batchTimeMs')
  const state: readonly PartitionState[] = checkpoint.state ?? []
  if (!Array.isArray(state as unknown)) throw new TypeError(`state must be an array of partition states, got ${typeof state}`)
  const seen = new Set<string>()
  state.forEach((partition, i) => {
    const at = `state[${i}]`
    if (typeof partition.stream !== 'string' || !STREAM_ID.test(partition.stream)) {
      throw new TypeError(`${at}.stream must match ${STREAM_ID} (it names a directory), got ${JSON.stringify(partition.stream)}`)
    }
    checkTime(partition.partition, `${at}.partition`)
    const key = `${partition.stream}/${partition.partition}`
    if (seen.has(key)) throw new RangeError(`${at} repeats partition ${partition.partition} of stream ${partition.stream}; give each partition once`)
    seen.add(key)
    if (partition.base !== null && !(partition.base instanceof Uint8Array)) throw new TypeError(`${at}.base must be a Uint8Array or null`)
    if (partition.baseVersion !== null) checkTime(partition.baseVersion, `${at}.baseVersion`)
    else if (partition.base !== null) throw new RangeError(`${at}.baseVersion must be given with an image`)
    let previous = partition.baseVersion ?? -1
    if (!Array.isArray(partition.deltas as unknown)) throw new TypeError(`${at}.deltas must be an array`)
    partition.deltas.forEach((delta, j) => {
      checkTime(delta.version, `${at}.deltas[${j}].version`)
      if (delta.version <= previous) {
        throw new RangeError(`${at}.deltas[${j}].version must be after ${previous} (deltas come after the image, oldest first), got ${delta.version}`)
      }
      if (!(delta.bytes instanceof Uint8Array)) throw new TypeError(`${at}.deltas[${j}].bytes must be a Uint8Array`)
      previous = delta.version
    })
  })
}

function checkTime(value: unknown, name: string): void {
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw new RangeError(`${name} must be a non-negative integer, got ${String(value)}`)
}
