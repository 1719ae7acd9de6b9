import type { StateChanges, StateSnapshotNode, StateUpdateNode } from '../rdd/plan.js'
import type { Sink, TaskContext } from './evaluate.js'

/**
 * How a worker runs the keyed-state nodes of a plan (mapWithState). The
 * executor only routes them here; the state itself is kept by the module
 * that implements this (src/state/), which the worker entry provides.
 */
export interface KeyedStateHandler {
  /** Applies a batch's records to a partition's state, pushes what the mapping function returned, and returns the changes. */
  update(node: StateUpdateNode, forEachInput: (sink: Sink) => void, sink: Sink, context: TaskContext): StateChanges
  /** Pushes every `[key, state]` of a partition at the node's version. */
  snapshot(node: StateSnapshotNode, sink: Sink): void
}
