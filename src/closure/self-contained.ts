import { ClosureError } from '../common/errors.js'
import { isAllowedGlobal } from './allowed-globals.js'
import type { FreeVariable } from './free-variables.js'
import { shortenSource } from './function-source.js'
import type { FunctionSource } from './function-source.js'

/**
 * Throws a `ClosureError` if the function reads a name that a worker thread
 * cannot resolve: anything but a global both threads share or a name in
 * `envNames`. An imported binding never counts as a global, even when it
 * shadows one, because the worker would silently read the global instead.
 */
export function requireSelfContained(source: FunctionSource, operation: string, envNames: readonly string[]): void {
  const captured = new Set(envNames)
  const missing = source.freeVariables.filter(
    (variable) => !captured.has(variable.name) && (variable.imported || !isAllowedGlobal(variable.name)),
  )
  if (missing.length > 0) throw missingVariablesError(source, operation, envNames, missing)
}

function missingVariablesError(
  source: FunctionSource,
  operation: string,
  envNames: readonly string[],
  missing: readonly FreeVariable[],
): ClosureError {
  const read = joinNames(missing.map((variable) => (variable.imported ? `${variable.name} (an imported binding)` : variable.name)))
  const importNote = missing.some((variable) => variable.imported)
    ? ' Imported functions must be passed through capture() as well.'
    : ''
  const advice = envNames.length === 0 ? 'Ship what it needs with capture():' : 'Add what it needs to the capture() env:'
  const fixNames = [...envNames, ...missing.map((variable) => variable.name)].join(', ')
  return new ClosureError(
    `The function given to ${operation} reads ${read} from its enclosing scope, but it runs on a worker thread ` +
      `that cannot see the driver's variables.${importNote}\n` +
      `${advice}\n` +
      `  capture({ ${fixNames} }, ${shortenSource(source.display)})`,
    missing.map((variable) => variable.name).sort(),
  )
}

/** `a`, `a and b`, `a, b and c`. */
function joinNames(names: readonly string[]): string {
  return names.length === 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
}
