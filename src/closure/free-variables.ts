import assert from 'node:assert'

import type { Program } from 'acorn'
import { analyze } from 'eslint-scope'
import type { Reference } from 'eslint-scope'

/** A name that a function reads without declaring it. */
export interface FreeVariable {
  readonly name: string
  /** The name is an imported binding that the test runner rewrote to a module namespace property. */
  readonly imported: boolean
}

/** The free variables of a parsed function, and its text with imported bindings turned back into plain names. */
export interface FreeVariableAnalysis {
  readonly freeVariables: readonly FreeVariable[]
  readonly text: string
}

interface Edit {
  readonly from: number
  readonly to: number
  readonly replacement: string
}

interface ImportedBinding {
  readonly name: string
  readonly edit: Edit
}

type ScopeProgram = Parameters<typeof analyze>[0]

/**
 * Vitest (vite-node) rewrites `import { helper } from './x.js'` and every use
 * of `helper` to `__vite_ssr_import_0__.helper` (`__vi_import_0__` for
 * hoisted `vi.mock` imports), so a function's source text names the module
 * namespace, not the binding the user wrote. Turning it back into `helper`
 * lets messages name what the user must capture, and lets the captured
 * function run on a worker under vitest as it does under tsx or plain Node.
 */
const IMPORT_NAMESPACE = /^__vi(?:te_ssr)?_import_\d+__$/
const MEMBER_ACCESS = /^\s*\.\s*([\p{ID_Start}$_][\p{ID_Continue}$\u200C\u200D]*)/u
const INDIRECT_CALL_OPENING = /\(\s*0\s*,\s*$/
const INDIRECT_CALL_CLOSING = /^\s*\)/
const IDENTIFIER_CHARACTER = /[\p{ID_Continue}$\u200C\u200D]/u

/**
 * Finds the names `program` reads from outside itself: the references that
 * no scope inside it resolves. `program` must be parsed from `text` with
 * acorn's `ranges` option.
 */
export function analyzeFreeVariables(program: Program, text: string): FreeVariableAnalysis {
  const globalScope = analyze(program as unknown as ScopeProgram, { ecmaVersion: 2022, sourceType: 'script' }).globalScope
  assert(globalScope !== null, 'eslint-scope always creates a global scope')
  const references = [...globalScope.through].sort((a, b) => rangeOf(a)[0] - rangeOf(b)[0])
  const found = new Map<string, boolean>()
  const edits: Edit[] = []
  for (const reference of references) {
    const imported = importedBinding(reference, text)
    if (imported !== null) edits.push(imported.edit)
    const name = imported?.name ?? reference.identifier.name
    found.set(name, (found.get(name) ?? false) || imported !== null)
  }
  return {
    freeVariables: [...found].map(([name, imported]) => ({ name, imported })),
    text: applyEdits(text, edits),
  }
}

/** The binding behind `__vite_ssr_import_0__.helper` (or vite's `(0,__vite_ssr_import_0__.helper)`), and the edit back to `helper`. */
function importedBinding(reference: Reference, text: string): ImportedBinding | null {
  if (!IMPORT_NAMESPACE.test(reference.identifier.name)) return null
  const [start, end] = rangeOf(reference)
  const member = MEMBER_ACCESS.exec(text.slice(end))
  const name = member?.[1]
  if (member === null || name === undefined) return null
  let from = start
  let to = end + member[0].length
  const opening = INDIRECT_CALL_OPENING.exec(text.slice(0, from))
  const closing = INDIRECT_CALL_CLOSING.exec(text.slice(to))
  if (opening !== null && closing !== null) {
    from -= opening[0].length
    to += closing[0].length
  }
  // Pad so that the name cannot fuse with a neighbouring keyword, as in `typeof(0,ns.x)`.
  const before = IDENTIFIER_CHARACTER.test(text[from - 1] ?? '') ? ' ' : ''
  const after = IDENTIFIER_CHARACTER.test(text[to] ?? '') ? ' ' : ''
  return { name, edit: { from, to, replacement: `${before}${name}${after}` } }
}

function applyEdits(text: string, edits: readonly Edit[]): string {
  let result = text
  for (const edit of [...edits].sort((a, b) => b.from - a.from)) {
    result = result.slice(0, edit.from) + edit.replacement + result.slice(edit.to)
  }
  return result
}

function rangeOf(reference: Reference): [number, number] {
  const range = reference.identifier.range
  assert(range !== undefined, 'programs are parsed with ranges')
  return range
}
