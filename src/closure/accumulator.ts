import { IllegalStateError } from '../common/errors.js'

/**
 * The driver's accumulators, by id. Held weakly: an accumulator the program
 * no longer references cannot be read, so updates for it may be dropped.
 */
const driverAccumulators = new Map<number, WeakRef<LongAccumulator>>()
const forgetAccumulator = new FinalizationRegistry<number>((id) => driverAccumulators.delete(id))
/** Per-task deltas recorded by stand-ins on a worker thread, by accumulator id. */
const taskDeltas = new Map<number, number>()
let nextAccumulatorId = 1

/**
 * A sum that tasks add to and only the driver reads, as Spark's
 * `LongAccumulator`. Created by `sc.longAccumulator(name?)`; shipped
 * functions reach it through `capture()`. Inside a task, `add` records a
 * delta that the driver merges when the task succeeds, so a retried task
 * does not count twice.
 *
 * @example
 * const blank = sc.longAccumulator('blank lines')
 * await lines.foreach(capture({ blank }, (line) => { if (line === '') blank.add(1) }))
 * console.log(blank.value)
 */
export class LongAccumulator {
  readonly id: number
  readonly name: string | null
  #sum = 0

  /** Use `sc.longAccumulator(name?)`, which registers the accumulator for task updates. */
  constructor(id: number, name: string | null) {
    this.id = id
    this.name = name
  }

  add(n: number): void {
    this.#sum += requireFinite(n, this.id)
  }

  get value(): number {
    return this.#sum
  }

  reset(): void {
    this.#sum = 0
  }

  toString(): string {
    return `LongAccumulator(id: ${this.id}, name: ${this.name ?? 'none'}, value: ${this.#sum})`
  }
}

/** What a captured accumulator becomes inside a task: `add` records a delta for the driver, `value` cannot be read. */
class TaskAccumulator {
  constructor(readonly id: number) {}

  add(n: number): void {
    taskDeltas.set(this.id, (taskDeltas.get(this.id) ?? 0) + requireFinite(n, this.id))
  }

  get value(): never {
    throw new IllegalStateError(
      `LongAccumulator ${this.id} cannot be read inside a task; read its value on the driver after the action completes`,
    )
  }
}

export function createLongAccumulator(name?: string): LongAccumulator {
  const accumulator = new LongAccumulator(nextAccumulatorId++, name ?? null)
  driverAccumulators.set(accumulator.id, new WeakRef(accumulator))
  forgetAccumulator.register(accumulator, accumulator.id)
  return accumulator
}

/** Driver side: merges the deltas of one successful task. */
export function applyAccumulatorUpdates(updates: readonly (readonly [number, number])[]): void {
  for (const [id, delta] of updates) driverAccumulators.get(id)?.deref()?.add(delta)
}

/** Worker side: the stand-in a compiled function sees for accumulator `id`. */
export function workerAccumulator(id: number): TaskAccumulator {
  return new TaskAccumulator(id)
}

/** Worker side: starts recording deltas for a new task, discarding any left by a task that failed. */
export function beginTaskAccumulators(): void {
  taskDeltas.clear()
}

/** Worker side: the deltas recorded since `beginTaskAccumulators`, then cleared. */
export function endTaskAccumulators(): [number, number][] {
  const deltas = [...taskDeltas]
  taskDeltas.clear()
  return deltas
}

function requireFinite(n: number, id: number): number {
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw new TypeError(`LongAccumulator ${id} can only add finite numbers, got ${typeof n === 'number' ? n : typeof n}`)
  }
  return n
}
