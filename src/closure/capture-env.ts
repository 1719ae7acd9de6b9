import { NotSerializableError } from '../common/errors.js'
import { findUnshippable } from '../serde/codec.js'
import { LongAccumulator } from './accumulator.js'
import { NAME_HELPER } from './allowed-globals.js'
import { Broadcast } from './broadcast.js'
import type { ShippedBinding, ShippedFunction } from './shipped-function.js'

/** Ships a function found in an env; passed in by `capture` so that this file does not import `ship.ts` back. */
export type ShipNested = (fn: unknown, operation: string) => ShippedFunction

const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200C\u200D]*$/u

/** Names that cannot be parameters of a strict-mode function, plus the helper every worker binds itself. */
const UNBINDABLE_NAMES: ReadonlySet<string> = new Set([
  'arguments', 'await', 'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete',
  'do', 'else', 'enum', 'eval', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'implements',
  'import', 'in', 'instanceof', 'interface', 'let', 'new', 'null', 'package', 'private', 'protected', 'public',
  'return', 'static', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with',
  'yield', NAME_HELPER,
])

/**
 * Turns a `capture()` env into bindings: functions are shipped themselves,
 * broadcasts and accumulators travel by id, and anything else must be data
 * that can cross threads.
 */
export function bindCaptureEnv(env: object, shipNested: ShipNested): ShippedBinding[] {
  return Object.entries(env).map(([name, value]) => bind(requireBindable(name), value, shipNested))
}

function bind(name: string, value: unknown, shipNested: ShipNested): ShippedBinding {
  if (typeof value === 'function') return { name, kind: 'function', fn: shipNested(value, `capture env.${name}`) }
  if (value instanceof Broadcast) return { name, kind: 'broadcast', id: value.id }
  if (value instanceof LongAccumulator) return { name, kind: 'accumulator', id: value.id }
  return { name, kind: 'value', value: requireShippable(name, value) }
}

function requireBindable(name: string): string {
  if (!IDENTIFIER.test(name) || UNBINDABLE_NAMES.has(name)) {
    throw new TypeError(
      `capture env key ${JSON.stringify(name)} cannot be a variable name in the shipped function; ` +
        'use keys that are plain identifiers and not reserved words, matching the names the function reads',
    )
  }
  return name
}

function requireShippable(name: string, value: unknown): unknown {
  const found = findUnshippable(value)
  if (found === null) return value
  const path = `capture env.${name}${found.path}`
  throw new NotSerializableError(
    `Cannot ship the ${found.typeName} found at ${path}: captured values must be strings, numbers, booleans, null, ` +
      'bigints, arrays, plain objects, Maps, Sets or Dates; turn it into plain data, and give functions, broadcasts ' +
      'and accumulators their own env entries',
    path,
    found.typeName,
  )
}
