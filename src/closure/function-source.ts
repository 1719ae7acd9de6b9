import { parse } from 'acorn'
import type { Expression, PrivateIdentifier, Program } from 'acorn'

import { ClosureError } from '../common/errors.js'
import { isAllowedGlobal } from './allowed-globals.js'
import { analyzeFreeVariables } from './free-variables.js'
import type { FreeVariable } from './free-variables.js'

/** A function read back from its source text, ready to be shipped and checked. */
export interface FunctionSource {
  /** A JavaScript expression that evaluates to the function. */
  readonly expression: string
  /** The function as the user would recognise it, for messages. */
  readonly display: string
  readonly freeVariables: readonly FreeVariable[]
}

const NATIVE_CODE = /\{\s*\[native code\]\s*\}$/
const SHORTENED_LENGTH = 120

/** Built-in namespaces whose functions a worker can name as `Math.abs`, `JSON.stringify`, ... */
const STATIC_HOLDERS: Readonly<Record<string, object>> = { Math, JSON, Number, String, Object, Array }

/**
 * Reads `fn` as an expression a worker can evaluate: arrow functions and
 * function expressions as written, method shorthand (`parse(x) { ... }`)
 * taken out of an object literal, and built-ins such as `String` or
 * `Math.abs` by name. Classes, bound functions and other native functions
 * have no source to ship and are refused with a `ClosureError`.
 */
export function readFunctionSource(fn: Function, operation: string): FunctionSource {
  const text = Function.prototype.toString.call(fn)
  if (NATIVE_CODE.test(text)) return readNative(fn, operation)
  return readExpression(text, operation) ?? readMethod(text) ?? refuseUnreadable(text, operation)
}

/** Collapses whitespace and cuts `text` to about a line, for messages. */
export function shortenSource(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ')
  return oneLine.length <= SHORTENED_LENGTH ? oneLine : `${oneLine.slice(0, SHORTENED_LENGTH - 1)}…`
}

function readExpression(text: string, operation: string): FunctionSource | null {
  const wrapped = `(${text})`
  const program = tryParse(wrapped)
  const node = program === null ? null : onlyExpression(program)
  if (program === null || node === null) return null
  if (node.type === 'ClassExpression') throw refuseClass(node.id?.name, operation)
  if (node.type !== 'ArrowFunctionExpression' && node.type !== 'FunctionExpression') return null
  const analysis = analyzeFreeVariables(program, wrapped)
  return { expression: analysis.text, display: analysis.text.slice(1, -1), freeVariables: analysis.freeVariables }
}

/** Method shorthand prints as `parse(x) { ... }`, which is only valid inside an object literal. */
function readMethod(text: string): FunctionSource | null {
  const wrapped = `({${text}})`
  const program = tryParse(wrapped)
  const node = program === null ? null : onlyExpression(program)
  if (program === null || node?.type !== 'ObjectExpression' || node.properties.length !== 1) return null
  const [property] = node.properties
  if (property?.type !== 'Property' || !property.method || property.computed) return null
  const access = keyAccess(property.key)
  if (access === null) return null
  const analysis = analyzeFreeVariables(program, wrapped)
  const expression = `${analysis.text}${access}`
  return { expression, display: expression, freeVariables: analysis.freeVariables }
}

function keyAccess(key: Expression | PrivateIdentifier): string | null {
  if (key.type === 'Identifier') return `.${key.name}`
  return key.type === 'Literal' && key.raw !== undefined ? `[${key.raw}]` : null
}

function readNative(fn: Function, operation: string): FunctionSource {
  const expression = builtInName(fn)
  if (expression === null) {
    throw new ClosureError(
      `The function given to ${operation} is a bound or native function (${nativeName(fn)}), ` +
        'which has no source text to ship to a worker thread. Pass an arrow function that does the same work instead, ' +
        'and give it the values it needs with capture()',
      [],
    )
  }
  return { expression, display: expression, freeVariables: [] }
}

/** `abs`, `bound parse`, or `bound anonymous function` for a bound arrow function. */
function nativeName(fn: Function): string {
  return fn.name.replace(/^(bound )?$/, '$1anonymous function')
}

/** How a worker names the same built-in: `String`, `parseInt`, `Math.abs`; null when it has no such name. */
function builtInName(fn: Function): string | null {
  if (isAllowedGlobal(fn.name) && Reflect.get(globalThis, fn.name) === fn) return fn.name
  for (const [holderName, holder] of Object.entries(STATIC_HOLDERS)) {
    if (Object.hasOwn(holder, fn.name) && Reflect.get(holder, fn.name) === fn) return `${holderName}.${fn.name}`
  }
  return null
}

function refuseClass(name: string | undefined, operation: string): ClosureError {
  return new ClosureError(
    `The function given to ${operation} is a class${name === undefined ? '' : ` (${name})`}, and classes cannot be ` +
      'shipped to a worker thread. Pass an arrow function instead, and create any instances it needs inside it',
    [],
  )
}

function refuseUnreadable(text: string, operation: string): never {
  throw new ClosureError(
    `The function given to ${operation} cannot be shipped: its source text does not read as a function ` +
      `(${shortenSource(text)}). Pass an arrow function or a function expression instead`,
    [],
  )
}

function tryParse(text: string): Program | null {
  try {
    return parse(text, { ecmaVersion: 'latest', sourceType: 'script', ranges: true })
  } catch (error) {
    if (error instanceof SyntaxError) return null
    throw error
  }
}

function onlyExpression(program: Program): Expression | null {
  const [statement] = program.body
  return program.body.length === 1 && statement?.type === 'ExpressionStatement' ? statement.expression : null
}
