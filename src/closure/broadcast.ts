import { IllegalStateError } from '../common/errors.js'
import { decode, encodeShared } from '../serde/codec.js'

/** Encoded values of the driver's live broadcasts, by id: what task envelopes carry. */
const driverBytes = new Map<number, Uint8Array>()
/** A worker's handles, by id, so each broadcast is decoded once per thread rather than once per task. */
const workerHandles = new Map<number, Broadcast<unknown>>()
let nextBroadcastId = 1

/**
 * A read-only value sent to every worker once rather than with every
 * function that uses it, as Spark's `Broadcast`. Created by
 * `SparkContext.broadcast(value)`; shipped functions reach it through
 * `capture()`, and read it with `.value` on the driver and on workers alike.
 *
 * @example
 * const stopWords = sc.broadcast(new Set(['a', 'the']))
 * words.filter(capture({ stopWords }, (w) => !stopWords.value.has(w)))
 */
export class Broadcast<T> {
  readonly id: number
  #load: (() => T) | null
  #loaded: { readonly value: T } | null = null

  /** Use `sc.broadcast(value)`; `load` produces the value the first time it is read. */
  constructor(id: number, load: () => T) {
    this.id = id
    this.#load = load
  }

  get value(): T {
    if (this.#load === null) {
      throw new IllegalStateError(`Attempted to use ${this.toString()} after it was destroyed; broadcast the value again with sc.broadcast(value)`)
    }
    this.#loaded ??= { value: this.#load() }
    return this.#loaded.value
  }

  /**
   * Drops this thread's decoded copy. Tasks carry the encoded bytes, so the
   * next read on a worker decodes them again; the driver keeps its value.
   */
  unpersist(): void {
    this.#loaded = null
  }

  /** Releases the value and its bytes for good: later reads and tasks that use it fail. */
  destroy(): void {
    this.#load = null
    this.#loaded = null
    driverBytes.delete(this.id)
    workerHandles.delete(this.id)
  }

  toString(): string {
    return `Broadcast(${this.id})`
  }
}

/** Driver side: encodes `value` once, into shared memory that every task envelope can reference without a copy. */
export function createBroadcast<T>(value: T): Broadcast<T> {
  const id = nextBroadcastId++
  driverBytes.set(id, encodeShared(value, `broadcast ${id}`))
  return new Broadcast(id, () => value)
}

/** Driver side: the encoded value of broadcast `id`, for a task envelope. */
export function broadcastBytes(id: number): Uint8Array {
  const bytes = driverBytes.get(id)
  if (bytes === undefined) {
    throw new IllegalStateError(
      `Broadcast(${id}) was destroyed, but a function given to a transformation still captures it; ` +
        'capture a live broadcast instead, or destroy it only after the last job that uses it',
    )
  }
  return bytes
}

/** Worker side: the handle for broadcast `id`, decoding `bytes` on first read and keeping the handle for later tasks. */
export function workerBroadcast(id: number, bytes: Uint8Array): Broadcast<unknown> {
  let handle = workerHandles.get(id)
  if (handle === undefined) {
    handle = new Broadcast(id, () => decode(bytes))
    workerHandles.set(id, handle)
  }
  return handle
}
