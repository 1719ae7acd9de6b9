import { KeyMap } from '../common/keys.js'
import type { StateRestore } from '../rdd/plan.js'
import { decode } from '../serde/index.js'

/** One key's state as stored: its value and the batch time of its last update. */
export interface StoredState {
  value: unknown
  updatedAt: number
}

/** An encoded change list: `[key, value, updatedAt]` for an update, `[key]` for a removal, in order. */
export type StateChange = readonly [unknown, unknown, number] | readonly [unknown]


/**
 * The keyed state of one partition of a mapWithState stream, resident in
 * the worker that owns the partition. Keys are kept in order of last
 * update (a Map re-inserted on update), so keys that time out are found at
 * the front without looking at the rest. `version` is the batch time of
 * the last change applied.
 */
export class PartitionState {
  readonly entries = new KeyMap<unknown, StoredState>()
  version: number | null = null

  /** The state at `version`, rebuilt from the driver's image and changes. */
  static restore(restore: StateRestore, version: number | null): PartitionState {
    const state = new PartitionState()
    if (restore.base !== null && restore.baseVersion !== null && (version === null || restore.baseVersion <= version)) {
      state.apply(decode<StateChange[]>(restore.base))
      state.version = restore.baseVersion
    }
    for (const delta of restore.deltas) {
      if (version !== null && delta.version > version) break
      if (state.version !== null && delta.version <= state.version) continue
      state.apply(decode<StateChange[]>(delta.bytes))
      state.version = delta.version
    }
    state.version = version
    return state
  }

  apply(changes: readonly StateChange[]): void {
    for (const change of changes) {
      this.entries.delete(change[0])
      if (change.length === 3) this.entries.set(change[0], { value: change[1], updatedAt: change[2] })
    }
  }

  /** Every key as a change list: an image the state can be rebuilt from. */
  image(): StateChange[] {
    const changes: StateChange[] = []
    for (const [key, stored] of this.entries) changes.push([key, stored.value, stored.updatedAt])
    return changes
  }
}
