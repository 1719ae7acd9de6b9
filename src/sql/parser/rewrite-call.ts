import { quoteString } from '../types/duckdb-types.js'
import { javaToStrftime } from './java-date-format.js'

/** A call's arguments as the rewriter sees them: how many, each one rewritten, and each one's value when it is a string literal. */
export interface CallArguments {
  readonly count: number
  text(index: number): string
  literal(index: number): string | null
}

/** Functions renamed to a macro of their own (the Spark name is a DuckDB keyword or a builtin that must stay intact). */
export const RENAMED_FUNCTIONS: Readonly<Record<string, string>> = { window: 'sluice_window', array: 'list_value', isnull: 'sluice_isnull' }

/**
 * The DuckDB form of a Spark function call that a macro cannot give, or
 * null to keep the call: `concat` (null if any argument is; variadic, so
 * not a macro), `concat_ws` over an array, `regexp_replace` (every match),
 * and the datetime functions whose pattern must be a literal that DuckDB
 * reads in strftime's language.
 */
export function rewriteCall(name: string, args: CallArguments): string | null {
  const format = (index: number, parsing: boolean): string | null => {
    const pattern = args.literal(index)
    return pattern === null ? null : quoteString(javaToStrftime(pattern, parsing))
  }
  switch (name) {
    case 'concat':
      return args.count === 0 ? "''" : `(${Array.from({ length: args.count }, (_, i) => args.text(i)).join(' || ')})`
    case 'concat_ws':
      return args.count === 2 ? `sluice_concat_ws(${args.text(0)}, ${args.text(1)})` : null
    case 'regexp_replace':
      return args.count === 3 ? `sluice_regexp_replace(${args.text(0)}, ${args.text(1)}, ${args.text(2)})` : null
  }
  if (args.count !== 2) return null
  switch (name) {
    case 'date_format':
      return withPattern(format(1, false), (pattern) => `strftime(CAST(${args.text(0)} AS TIMESTAMP), ${pattern})`)
    case 'to_timestamp':
      return withPattern(format(1, true), (pattern) => `try_strptime(CAST(${args.text(0)} AS VARCHAR), ${pattern})`)
    case 'to_date':
      return withPattern(format(1, true), (pattern) => `CAST(try_strptime(CAST(${args.text(0)} AS VARCHAR), ${pattern}) AS DATE)`)
    case 'unix_timestamp':
      return withPattern(format(1, true), (pattern) => `CAST(epoch(try_strptime(CAST(${args.text(0)} AS VARCHAR), ${pattern})) AS BIGINT)`)
    case 'from_unixtime':
      return withPattern(format(1, false), (pattern) => `strftime(make_timestamp(CAST(${args.text(0)} AS BIGINT) * 1000000), ${pattern})`)
    default:
      return null
  }
}

function withPattern(pattern: string | null, build: (pattern: string) => string): string | null {
  return pattern === null ? null : build(pattern)
}
