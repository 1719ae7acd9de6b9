import { readFileSync } from 'node:fs'

import { compileShipped } from '../closure/compile.js'
import type { ShippedFunction } from '../closure/shipped-function.js'
import type { CachedBlock, NarrowOp, PlanNode, ReduceSide, StateChanges } from '../rdd/plan.js'
import type { KeyedStateHandler } from './keyed-state.js'
import { decode, encodeShared } from '../serde/index.js'
import { keysEqual } from '../common/keys.js'
import { Time } from '../common/time.js'
import { aggregateRecords, cogroup, readShuffle } from './shuffle.js'
import { readLines, readTextLines } from './text-lines.js'

export type Sink = (value: unknown) => void

/** What one task's evaluation shares: the broadcast values its functions may read, and what it reports back. */
export interface TaskContext {
  readonly partition: number
  readonly broadcasts: ReadonlyMap<number, Uint8Array>
  readonly keyedState: KeyedStateHandler | null
  readonly cachedBlocks: CachedBlock[]
  readonly stateChanges: StateChanges[]
  recordsRead: number
}

export function compile<F = (...args: any[]) => any>(fn: ShippedFunction, context: TaskContext): F {
  return compileShipped<F>(fn, context.broadcasts)
}

/**
 * Pushes every record of `node`'s partition to `sink`. Narrow operations
 * wrap the sink once per task, so a chain of them runs as one loop with a
 * function call per step and record: no per-record allocation of our own.
 */
export function evaluate(node: PlanNode, sink: Sink, context: TaskContext): void {
  switch (node.kind) {
    case 'data':
      if (node.bytes !== null) pushAll(decode<unknown[]>(node.bytes), sink, context)
      return
    case 'textRange':
      context.recordsRead += readLines(node.path, node.start, node.end, sink)
      return
    case 'textLines':
      if (node.bytes !== null) context.recordsRead += readTextLines(node.bytes, sink)
      return
    case 'recordFile':
      pushAll(decode<unknown[]>(readFileSync(node.path)), sink, context)
      return
    case 'narrow':
      if (node.op.kind === 'mapPartitions') mapPartition(node.op, node.input, sink, context)
      else if (node.op.kind === 'combineByKey') combineInPlace(node.input, node.op.aggregate, sink, context)
      else evaluate(node.input, narrowSink(node.op, sink, context), context)
      return
    case 'concat':
      for (const input of node.inputs) evaluate(input, sink, context)
      return
    case 'cartesian': {
      const right = materialize(node.right, context)
      evaluate(node.left, (left) => {
        for (let i = 0; i < right.length; i++) sink([left, right[i]])
      }, context)
      return
    }
    case 'shuffleRead':
      readShuffle(node, sink, context)
      return
    case 'cogroup':
      cogroup(node.inputs, sink, context)
      return
    case 'stateUpdate':
      context.stateChanges.push(keyedStateOf(context).update(node, (recordSink) => evaluate(node.input, recordSink, context), sink, context))
      return
    case 'stateSnapshot':
      keyedStateOf(context).snapshot(node, sink)
      return
    case 'cache': {
      const values = materialize(node.input, context)
      context.cachedBlocks.push({ rddId: node.rddId, partition: node.partition, bytes: encodeShared(values, `cached partition ${node.partition} of RDD ${node.rddId}`) })
      for (let i = 0; i < values.length; i++) sink(values[i])
      return
    }
  }
}

function keyedStateOf(context: TaskContext): KeyedStateHandler {
  if (context.keyedState === null) throw new Error('This worker was started without keyed state support; it cannot run mapWithState')
  return context.keyedState
}

export function materialize(node: PlanNode, context: TaskContext): unknown[] {
  const values: unknown[] = []
  evaluate(node, (value) => values.push(value), context)
  return values
}

function pushAll(values: readonly unknown[], sink: Sink, context: TaskContext): void {
  context.recordsRead += values.length
  for (let i = 0; i < values.length; i++) sink(values[i])
}

function narrowSink(op: Exclude<NarrowOp, { kind: 'mapPartitions' | 'combineByKey' }>, sink: Sink, context: TaskContext): Sink {
  switch (op.kind) {
    case 'map': {
      const fn = compile<(value: unknown) => unknown>(op.fn, context)
      return (value) => sink(fn(value))
    }
    case 'filter': {
      const fn = compile<(value: unknown) => unknown>(op.fn, context)
      return (value) => {
        if (fn(value)) sink(value)
      }
    }
    case 'flatMap': {
      const fn = compile<(value: unknown) => Iterable<unknown>>(op.fn, context)
      return (value) => {
        const items = fn(value)
        if (Array.isArray(items)) {
          for (let i = 0; i < items.length; i++) sink(items[i])
        } else {
          for (const item of iterableResult(items, 'flatMap')) sink(item)
        }
      }
    }
    case 'updateState':
      return updateStateSink(op, sink, context)
    case 'keyFilter': {
      const key = decode(op.key)
      return (record) => {
        if (keysEqual((record as [unknown, unknown])[0], key)) sink(record)
      }
    }
  }
}

/** mapPartitions hands the function its whole input as one iterator, so the input is collected first. */
function mapPartition(op: Extract<NarrowOp, { kind: 'mapPartitions' }>, input: PlanNode, sink: Sink, context: TaskContext): void {
  const fn = compile<(values: Iterator<unknown>, partition: number) => unknown>(op.fn, context)
  const values = materialize(input, context)
  for (const item of iterableResult(fn(values[Symbol.iterator](), op.partition), 'mapPartitions')) sink(item)
}

/**
 * updateStateByKey's update on cogrouped `[key, [newValues, [previousState?]]]`
 * records: `fn(newValues, state)` or `fn(time, key, newValues, state)`; a
 * null or undefined result removes the key.
 */
function updateStateSink(op: Extract<NarrowOp, { kind: 'updateState' }>, sink: Sink, context: TaskContext): Sink {
  const fn = compile<(...args: unknown[]) => unknown>(op.fn, context)
  const time = new Time(op.timeMs)
  return (record) => {
    const [key, groups] = record as [unknown, unknown[][]]
    const states = groups[1] as unknown[]
    const previous = states.length === 0 ? null : states[0]
    const next = op.withTimeAndKey ? fn(time, key, groups[0], previous) : fn(groups[0], previous)
    if (next !== null && next !== undefined) sink([key, next])
  }
}

/** combineByKey on an RDD already partitioned by key: no shuffle, the partition's own records are merged. */
function combineInPlace(input: PlanNode, reduceSide: ReduceSide, sink: Sink, context: TaskContext): void {
  const records = aggregateRecords((recordSink) => evaluate(input, recordSink, context), reduceSide, context)
  for (let i = 0; i < records.length; i++) sink(records[i])
}

function iterableResult(result: unknown, operation: string): Iterable<unknown> {
  if (result !== null && typeof result === 'object' && Symbol.iterator in result) return result as Iterable<unknown>
  if (typeof result === 'string') return result
  throw new TypeError(`The function given to ${operation} must return an iterable (an array, a Set, a generator, ...), got ${describe(result)}`)
}

export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return `an array of length ${value.length}`
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`
  if (typeof value === 'object') return 'an object'
  return `${typeof value} ${String(value)}`
}
