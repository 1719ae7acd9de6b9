import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { beginTaskAccumulators, endTaskAccumulators } from '../closure/accumulator.js'
import { compareKeys } from '../common/keys.js'
import { formatRecord } from '../common/format.js'
import type { TaskDescription, TaskOutput, TaskResult } from '../rdd/plan.js'
import { decode, encodeShared } from '../serde/index.js'
import { type TaskContext, compile, evaluate, materialize } from './evaluate.js'
import type { KeyedStateHandler } from './keyed-state.js'
import { writeShuffle } from './shuffle.js'

/** Thrown through the pipeline once `take(n)` has its n records: stops reading the partition. */
class TakeComplete extends Error {}

/**
 * Runs one task on a worker: evaluates its plan, hands the records to its
 * output, and reports the result or the user's error as data, so that the
 * scheduler can tell a throwing function (retried, reported) from a dying
 * worker (replaced, retried).
 */
export function runTask(task: TaskDescription, keyedState: KeyedStateHandler | null = null): TaskResult {
  const context: TaskContext = { partition: task.partition, broadcasts: task.broadcasts, keyedState, cachedBlocks: [], stateChanges: [], recordsRead: 0 }
  beginTaskAccumulators()
  try {
    const { value, blocks } = produce(task, context)
    return {
      kind: 'done',
      value,
      blocks,
      cachedBlocks: context.cachedBlocks,
      accumulatorUpdates: endTaskAccumulators(),
      stateChanges: context.stateChanges,
      recordsRead: context.recordsRead,
    }
  } catch (error) {
    endTaskAccumulators()
    const { name, message, stack } = error instanceof Error ? error : new Error(String(error))
    return { kind: 'failed', name, message, stack: stack ?? `${name}: ${message}` }
  }
}

interface Produced {
  readonly value: Uint8Array | null
  readonly blocks: (Uint8Array | null)[] | null
}

function produce(task: TaskDescription, context: TaskContext): Produced {
  const output = task.output
  if (output.kind === 'shuffleWrite') {
    return { value: null, blocks: writeShuffle(task.plan, output.partitioner, output.combine, operationOf(output), context) }
  }
  return { value: encodeShared(partitionResult(task, output, context), `result of partition ${task.partition}`), blocks: null }
}

function operationOf(output: Extract<TaskOutput, { kind: 'shuffleWrite' }>): string {
  return output.combine?.createCombiner.operation ?? 'partitionBy'
}

function partitionResult(task: TaskDescription, output: Exclude<TaskOutput, { kind: 'shuffleWrite' }>, context: TaskContext): unknown {
  const plan = task.plan
  switch (output.kind) {
    case 'collect':
      return materialize(plan, context)
    case 'count': {
      let count = 0
      evaluate(plan, () => count++, context)
      return count
    }
    case 'take':
      return take(task, output.n, context)
    case 'fold':
      return fold(task, output, context)
    case 'takeOrdered':
      return takeOrdered(task, output, context)
    case 'foreach': {
      const fn = compile<(value: unknown) => unknown>(output.fn, context)
      evaluate(plan, (value) => fn(value), context)
      return null
    }
    case 'foreachPartition':
      compile<(values: Iterator<unknown>) => unknown>(output.fn, context)(materialize(plan, context)[Symbol.iterator]())
      return null
    case 'saveAsTextFile':
      writePart(output.directory, task, materialize(plan, context).map((value) => `${formatRecord(value)}\n`).join(''), context)
      return null
    case 'writeRecords':
      writePart(output.directory, task, encodeShared(materialize(plan, context)), context)
      return null
  }
}

function take(task: TaskDescription, n: number, context: TaskContext): unknown[] {
  const values: unknown[] = []
  if (n <= 0) return values
  try {
    evaluate(task.plan, (value) => {
      values.push(value)
      if (values.length >= n) throw new TakeComplete()
    }, context)
  } catch (error) {
    if (!(error instanceof TakeComplete)) throw error
  }
  return values
}

/** fold, aggregate and reduce on one partition: `[result]`, or `[]` for reduce of an empty partition. */
function fold(task: TaskDescription, output: Extract<TaskOutput, { kind: 'fold' }>, context: TaskContext): unknown[] {
  const fn = compile<(a: unknown, b: unknown) => unknown>(output.fn, context)
  let empty = output.zero === null
  let accumulator: unknown = output.zero === null ? undefined : decode(output.zero)
  evaluate(task.plan, (value) => {
    if (empty) {
      accumulator = value
      empty = false
    } else {
      accumulator = fn(accumulator, value)
    }
  }, context)
  return empty ? [] : [accumulator]
}

/** The n smallest records of the partition, in order, kept in a sorted array of at most n. */
function takeOrdered(task: TaskDescription, output: Extract<TaskOutput, { kind: 'takeOrdered' }>, context: TaskContext): unknown[] {
  const base = output.compare === null ? compareKeys : compile<(a: unknown, b: unknown) => number>(output.compare, context)
  const compare = output.descending ? (a: unknown, b: unknown) => base(b, a) : base
  const best: unknown[] = []
  if (output.n <= 0) return best
  evaluate(task.plan, (value) => {
    if (best.length === output.n && compare(value, best[best.length - 1]) >= 0) return
    let low = 0
    let high = best.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if (compare(best[middle], value) <= 0) low = middle + 1
      else high = middle
    }
    best.splice(low, 0, value)
    if (best.length > output.n) best.pop()
  }, context)
  return best
}

/** Writes `part-NNNNN` through a temporary name, so a retried or failed task never leaves half a file under the final name. */
function writePart(directory: string, task: TaskDescription, content: string | Uint8Array, context: TaskContext): void {
  mkdirSync(directory, { recursive: true })
  const name = `part-${String(context.partition).padStart(5, '0')}`
  const temporary = join(directory, `.${name}.attempt-${task.attempt}.tmp`)
  writeFileSync(temporary, content)
  renameSync(temporary, join(directory, name))
}
