import { bindCaptureEnv } from './capture-env.js'
import { readFunctionSource } from './function-source.js'
import type { FunctionSource } from './function-source.js'
import { requireSelfContained } from './self-contained.js'
import type { ShippedBinding, ShippedFunction } from './shipped-function.js'

/** What `capture()` checked and recorded for the wrapper it returned. */
interface CapturedFunction {
  readonly source: FunctionSource
  readonly arity: number
  readonly env: readonly ShippedBinding[]
}

/** One shipped form per function object, so a function used by every batch compiles once per worker. */
const shippedByFunction = new WeakMap<Function, ShippedFunction>()
const capturedByWrapper = new WeakMap<Function, CapturedFunction>()
let nextFunctionId = 1

/**
 * Driver side: the wire form of a function given to `operation`. Throws a
 * `ClosureError` right away if the function reads variables from its
 * enclosing scope that were not given to it with `capture()`.
 */
export function shipFunction(fn: unknown, operation: string): ShippedFunction {
  if (typeof fn !== 'function') {
    throw new TypeError(`The function given to ${operation} must be a function, got ${describeType(fn)}`)
  }
  let shipped = shippedByFunction.get(fn)
  if (shipped === undefined) {
    const captured = capturedByWrapper.get(fn) ?? readSelfContained(fn, operation)
    shipped = { id: nextFunctionId++, operation, source: captured.source.expression, arity: captured.arity, env: captured.env }
    shippedByFunction.set(fn, shipped)
  }
  return shipped
}

/**
 * Gives a function that runs on worker threads the values it reads from its
 * enclosing scope. `env` holds data that msgpack can encode, other functions
 * (shipped in turn), `Broadcast` handles and accumulators, under the names
 * the function uses. The returned function behaves like `fn` when called on
 * the driver.
 *
 * @example
 * const minLength = 3
 * words.filter(capture({ minLength }, (w) => w.length >= minLength))
 */
export function capture<E extends Record<string, unknown>, F extends (...args: any[]) => unknown>(env: E, fn: F): F {
  if (typeof env !== 'object' || env === null || Array.isArray(env)) {
    throw new TypeError(`capture(env, fn) needs an object of named values as env, got ${describeType(env)}`)
  }
  if (typeof fn !== 'function') {
    throw new TypeError(`capture(env, fn) needs a function as fn, got ${describeType(fn)}`)
  }
  if (capturedByWrapper.has(fn)) {
    throw new TypeError('capture(env, fn) was given a function that is already captured; pass all of its values in one capture() call')
  }
  const bindings = bindCaptureEnv(env, shipFunction)
  const source = readFunctionSource(fn, 'capture()')
  requireSelfContained(source, 'capture()', Object.keys(env))
  const wrapper = callThrough(fn)
  capturedByWrapper.set(wrapper, { source, arity: fn.length, env: bindings })
  return wrapper
}

/** Adds the ids of the broadcasts `fn` uses, directly or through the functions it captured. */
export function referencedBroadcastIds(fn: ShippedFunction, into: Set<number>): void {
  for (const binding of fn.env) {
    if (binding.kind === 'broadcast') into.add(binding.id)
    else if (binding.kind === 'function') referencedBroadcastIds(binding.fn, into)
  }
}

function readSelfContained(fn: Function, operation: string): CapturedFunction {
  const source = readFunctionSource(fn, operation)
  requireSelfContained(source, operation, [])
  return { source, arity: fn.length, env: [] }
}

/** A new function object for the capture registry, behaving like `fn` on the driver. */
function callThrough<F extends (...args: any[]) => unknown>(fn: F): F {
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    return fn.apply(this, args)
  }
  Object.defineProperty(wrapper, 'length', { value: fn.length })
  Object.defineProperty(wrapper, 'name', { value: fn.name })
  return wrapper as F
}

function describeType(value: unknown): string {
  if (value === null) return 'null'
  return Array.isArray(value) ? 'array' : typeof value
}
