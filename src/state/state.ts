/**
 * The state of one key inside a `mapWithState` function (Spark's State).
 * `get()` throws when there is none; `update` and `remove` are refused
 * while the key is timing out, because it is removed afterwards anyway.
 */
export interface State<S> {
  exists(): boolean
  get(): S
  getOption(): S | null
  update(newState: S): void
  remove(): void
  isTimingOut(): boolean
}

/**
 * The State handed to the mapping function on a worker. One object is
 * reused for every record of a task (no allocation per record); `reset`
 * points it at the next key.
 */
export class KeyState<S> implements State<S> {
  #exists = false
  #value: S | undefined = undefined
  #updated = false
  #removed = false
  #timingOut = false

  reset(exists: boolean, value: S | undefined, timingOut: boolean): void {
    this.#exists = exists
    this.#value = value
    this.#updated = false
    this.#removed = false
    this.#timingOut = timingOut
  }

  exists(): boolean {
    return this.#exists
  }

  get(): S {
    if (!this.#exists) throw new Error('State is not set; check state.exists() or use state.getOption() first')
    return this.#value as S
  }

  getOption(): S | null {
    return this.#exists ? (this.#value as S) : null
  }

  update(newState: S): void {
    if (this.#removed) throw new Error('Cannot update the state after it was removed in the same call')
    if (this.#timingOut) throw new Error('Cannot update the state of a key that is timing out; it is removed after this call')
    this.#exists = true
    this.#value = newState
    this.#updated = true
  }

  remove(): void {
    if (this.#timingOut) throw new Error('Cannot remove the state of a key that is timing out; it is removed after this call')
    if (this.#removed) throw new Error('Cannot remove the state twice in the same call')
    this.#exists = false
    this.#value = undefined
    this.#removed = true
  }

  isTimingOut(): boolean {
    return this.#timingOut
  }

  get wasUpdated(): boolean {
    return this.#updated
  }

  get wasRemoved(): boolean {
    return this.#removed
  }
}
