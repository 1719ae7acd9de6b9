import { KeyMap } from '../common/keys.js'
import { Time } from '../common/time.js'
import { type Sink, type TaskContext, compile, describe } from '../executor/evaluate.js'
import type { KeyedStateHandler } from '../executor/keyed-state.js'
import type { StateChanges, StateSnapshotNode, StateUpdateNode } from '../rdd/plan.js'
import { encodeShared } from '../serde/index.js'
import { type StateChange, PartitionState, type StoredState } from './partition-state.js'
import { KeyState } from './state.js'

type MappingCall = (key: unknown, value: unknown) => unknown

/** The resident state of every partition this worker owns, by `storeId/partition`. */
const residents = new Map<string, PartitionState>()

function resident(storeId: number, partition: number, version: number | null, node: Pick<StateUpdateNode, 'restore'>): PartitionState {
  const key = `${storeId}/${partition}`
  let state = residents.get(key)
  if (state === undefined || state.version !== version) {
    // A new or replaced worker, or a partition that moved: rebuild from the driver's log.
    state = PartitionState.restore(node.restore, version)
    residents.set(key, state)
  }
  return state
}

/**
 * mapWithState on a worker. The batch's records for a partition are applied
 * to the resident state through an overlay that is committed only when the
 * whole task succeeded, so a task that throws leaves the state as it was
 * for its retry. Only the keys the batch touched (and those that timed out)
 * are looked at, and only their changes go back to the driver.
 */
export const mapWithStateHandler: KeyedStateHandler = {
  update(node: StateUpdateNode, forEachInput: (sink: Sink) => void, sink: Sink, context: TaskContext): StateChanges {
    const state = resident(node.storeId, node.partition, node.previousVersion, node)
    const overlay = new KeyMap<unknown, StoredState | null>()
    const keyState = new KeyState<unknown>()
    const call = mappingCall(node, keyState, context)
    // Outputs are handed on only after the changes are committed: a consumer that stops early (take) must not cut an update short.
    const outputs: unknown[] = []
    forEachInput((record) => {
      if (!Array.isArray(record) || record.length !== 2) {
        throw new TypeError(`mapWithState works on [key, value] pairs, but got ${describe(record)}; map the records to pairs first`)
      }
      const key = record[0]
      // Overlay values are never undefined: a removed key maps to null.
      const pending = overlay.get(key)
      const current = pending !== undefined ? pending : (state.entries.get(key) ?? null)
      keyState.reset(current !== null, current?.value, false)
      const mapped = call(key, record[1])
      if (keyState.wasRemoved) overlay.set(key, null)
      else if (keyState.wasUpdated) overlay.set(key, { value: keyState.getOption(), updatedAt: node.version })
      if (mapped !== null && mapped !== undefined) outputs.push(mapped)
    })
    if (node.timeoutMs !== null) timeOut(state, overlay, node.version - node.timeoutMs, keyState, call, outputs)
    const changes = commit(state, overlay, node)
    for (let i = 0; i < outputs.length; i++) sink(outputs[i])
    return changes
  },

  snapshot(node: StateSnapshotNode, sink: Sink): void {
    const state = resident(node.storeId, node.partition, node.version, node)
    for (const [key, stored] of state.entries) sink([key, stored.value])
  },
}

function mappingCall(node: StateUpdateNode, keyState: KeyState<unknown>, context: TaskContext): MappingCall {
  const fn = compile<(...args: unknown[]) => unknown>(node.fn, context)
  if (!node.withTime) return (key, value) => fn(key, value, keyState)
  const time = new Time(node.version)
  return (key, value) => fn(time, key, value, keyState)
}

/** Keys idle since before `threshold`: called once with a null value, then removed. They sit at the front, oldest first. */
function timeOut(state: PartitionState, overlay: KeyMap<unknown, StoredState | null>, threshold: number, keyState: KeyState<unknown>, call: MappingCall, outputs: unknown[]): void {
  for (const [key, stored] of state.entries) {
    if (stored.updatedAt >= threshold) break
    if (overlay.has(key)) continue
    keyState.reset(true, stored.value, true)
    const mapped = call(key, null)
    overlay.set(key, null)
    if (mapped !== null && mapped !== undefined) outputs.push(mapped)
  }
}

function commit(state: PartitionState, overlay: KeyMap<unknown, StoredState | null>, node: StateUpdateNode): StateChanges {
  const changes: StateChange[] = []
  for (const [key, stored] of overlay) {
    state.entries.delete(key)
    if (stored === null) {
      changes.push([key])
    } else {
      state.entries.set(key, stored)
      changes.push([key, stored.value, stored.updatedAt])
    }
  }
  state.version = node.version
  return {
    storeId: node.storeId,
    partition: node.partition,
    version: node.version,
    changes: encodeShared(changes, `state changes of partition ${node.partition}`),
    image: node.compact ? encodeShared(state.image(), `state of partition ${node.partition}`) : null,
  }
}
