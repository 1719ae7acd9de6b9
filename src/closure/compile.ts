import assert from 'node:assert'

import { SluiceError } from '../common/errors.js'
import { workerAccumulator } from './accumulator.js'
import { NAME_HELPER } from './allowed-globals.js'
import { workerBroadcast } from './broadcast.js'
import { shortenSource } from './function-source.js'
import type { ShippedBinding, ShippedFunction } from './shipped-function.js'

type Factory = (...values: unknown[]) => unknown

/**
 * Compiled functions by shipped id: a function used by every batch is
 * compiled once per worker. Bounded because a program that builds a new
 * closure for every batch would otherwise grow it for as long as it streams;
 * the oldest entry goes first (Map keeps insertion order) and is simply
 * compiled again if it comes back.
 */
const compiledById = new Map<number, unknown>()
const MAX_COMPILED_FUNCTIONS = 1024

/**
 * Worker side: the function that `fn` was shipped from, with its env bound
 * by name. Captured functions are compiled in turn, broadcasts become
 * handles decoded from `broadcasts` on first read, and accumulators become
 * stand-ins that record this task's additions.
 */
export function compileShipped<F = (...args: any[]) => any>(fn: ShippedFunction, broadcasts: ReadonlyMap<number, Uint8Array>): F {
  let compiled = compiledById.get(fn.id)
  if (compiled === undefined) {
    compiled = compile(fn, broadcasts)
    compiledById.set(fn.id, compiled)
    if (compiledById.size > MAX_COMPILED_FUNCTIONS) compiledById.delete(compiledById.keys().next().value as number)
  }
  return compiled as F
}

function compile(fn: ShippedFunction, broadcasts: ReadonlyMap<number, Uint8Array>): unknown {
  const factory = compileFactory(fn)
  const compiled = factory(setFunctionName, ...fn.env.map((binding) => bindingValue(binding, broadcasts)))
  assert(typeof compiled === 'function', `shipped source of ${fn.operation} evaluates to a function`)
  return compiled
}

/** The source becomes a function of its env names; `sourceURL` makes stack traces name the operation. */
function compileFactory(fn: ShippedFunction): Factory {
  const names = [NAME_HELPER, ...fn.env.map((binding) => binding.name)]
  const body = `"use strict"; return (${fn.source})\n//# sourceURL=sluice:/${scriptName(fn)}`
  try {
    return new Function(...names, body) as Factory
  } catch (error) {
    throw new SluiceError(
      `The function shipped for ${fn.operation} (id ${fn.id}) does not compile on the worker: ` +
        `${error instanceof Error ? error.message : String(error)}; its source is ${shortenSource(fn.source)}. ` +
        'Ship functions with shipFunction() or capture(), which read them from a real function',
      { cause: error },
    )
  }
}

function bindingValue(binding: ShippedBinding, broadcasts: ReadonlyMap<number, Uint8Array>): unknown {
  switch (binding.kind) {
    case 'value':
      return binding.value
    case 'function':
      return compileShipped(binding.fn, broadcasts)
    case 'broadcast':
      return workerBroadcast(binding.id, requireBroadcastBytes(binding.id, broadcasts))
    case 'accumulator':
      return workerAccumulator(binding.id)
  }
}

function requireBroadcastBytes(id: number, broadcasts: ReadonlyMap<number, Uint8Array>): Uint8Array {
  const bytes = broadcasts.get(id)
  assert(bytes !== undefined, `the task carries broadcast ${id}, which a function it runs captures`)
  return bytes
}

/** esbuild's `__name`: keeps the names of functions declared inside shipped source. */
function setFunctionName<T extends Function>(target: T, value: string): T {
  return Object.defineProperty(target, 'name', { value, configurable: true })
}

/** `map-7.js`; an operation such as `capture env.parse` keeps only characters that read well in a URL. */
function scriptName(fn: ShippedFunction): string {
  return `${fn.operation.replace(/[^\w.$-]+/g, '_')}-${fn.id}.js`
}
