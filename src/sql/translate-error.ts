import { AnalysisError, ParseError, SluiceError } from '../common/errors.js'
import type { SyntaxErrorReport } from './bridge/duckdb-engine.js'
import { closeMatches } from './close-matches.js'
import { pointAt, positionOf } from './parser/tokenize.js'
import type { SqlText } from './parser/sql-text.js'

/** What translating an error needs from the session. */
export interface ErrorContext {
  syntaxError(statement: string): Promise<SyntaxErrorReport | null>
  /** Temp views and tables the user can name, for suggestions. */
  tableNames(): Promise<string[]>
}

/**
 * Turns a DuckDB error into Spark's: a statement that does not parse into a
 * ParseError, an unknown table, column or function (or any other failure
 * to bind the query) into an AnalysisError, naming the culprit and close
 * matches, and, when the culprit is in text the user wrote, its line and
 * position with Spark's `== SQL ==` excerpt. Anything else (a failed cast,
 * a value out of range) is a SluiceError. DuckDB's error is the `cause`.
 */
export async function translateError(error: unknown, statement: SqlText, context: ErrorContext): Promise<Error> {
  if (error instanceof SluiceError || !(error instanceof Error)) return error instanceof Error ? error : new SluiceError(String(error))
  const { kind, detail, caret } = splitDuckDBMessage(error.message)
  if (kind === 'Parser') {
    const report = await context.syntaxError(statement.text).catch(() => null)
    const where = locate(statement, report?.position ?? caret)
    const what = capitalize((report?.message ?? detail).replace(/^syntax error/i, 'syntax error'))
    return new ParseError(`[PARSE_SYNTAX_ERROR] ${what}${where.position}; fix the SQL at the marked position${where.excerpt}`, { cause: error })
  }
  if (kind !== 'Catalog' && kind !== 'Binder') {
    return new SluiceError(`Query failed: ${cleanNames(detail)}${locate(statement, caret).position}`, { cause: error })
  }
  const where = locate(statement, caret)
  const table = /^Table with name (.+?) does not exist!/.exec(detail)
  if (table !== null) {
    const name = table[1]!
    const suggestions = closeMatches(name, await context.tableNames().catch(() => []))
    const hint = suggestions.length > 0 ? ` Did you mean one of the following? [${suggestions.map(backquote).join(', ')}].` : ''
    return new AnalysisError(
      `[TABLE_OR_VIEW_NOT_FOUND] The table or view ${backquote(name)} cannot be found${where.position}.${hint} ` +
        `Register a DataFrame under this name with df.createOrReplaceTempView(${JSON.stringify(name)}) first, or fix the name.${where.excerpt}`,
      { cause: error },
    )
  }
  const column = /Referenced column "(.+?)" not found|does not have a column named "(.+?)"/.exec(detail)
  if (column !== null) {
    const name = column[1] ?? column[2]!
    const candidates = [...(/Candidate bindings: (.*)/.exec(detail)?.[1] ?? '').matchAll(/"([^"]+)"/g)].map((match) => match[1]!.replace(/^.*\./, ''))
    const suggestions = closeMatches(name, candidates)
    const hint = suggestions.length > 0 ? ` Did you mean one of the following? [${suggestions.map(backquote).join(', ')}].` : candidates.length > 0 ? ` The columns are [${[...new Set(candidates)].map(backquote).join(', ')}].` : ''
    return new AnalysisError(`[UNRESOLVED_COLUMN] A column or function parameter with name ${backquote(name)} cannot be resolved${where.position}.${hint}${where.excerpt}`, { cause: error })
  }
  const fn = /^(?:Scalar|Aggregate|Table) Function with name (.+?) does not exist!(?:\s*Did you mean "(.+?)"\?)?/s.exec(detail)
  if (fn !== null) {
    const suggestion = fn[2] === undefined ? '' : ` Did you mean ${backquote(cleanNames(fn[2]))}?`
    return new AnalysisError(`[UNRESOLVED_ROUTINE] Cannot resolve function ${backquote(cleanNames(fn[1]!))}${where.position}.${suggestion}${where.excerpt}`, { cause: error })
  }
  const tag = /GROUP BY clause/.test(detail) ? '[MISSING_AGGREGATION] ' : /No function matches|Cannot (?:mix|compare)|[Cc]ast/.test(detail) ? '[DATATYPE_MISMATCH] ' : ''
  return new AnalysisError(`${tag}${cleanNames(detail)}${where.position}${where.excerpt}`, { cause: error })
}

/** Where DuckDB's caret points: a line of the statement (from 1), the excerpt of it DuckDB printed, and the caret's column in the excerpt. */
interface Caret {
  readonly line: number
  readonly excerpt: string
  readonly column: number
}

/** DuckDB's `Kind Error: detail\n\nLINE n: excerpt\n      ^`, taken apart. */
function splitDuckDBMessage(full: string): { kind: string; detail: string; caret: Caret | null } {
  // Streaming reads split the statement first, and prefix the parser's error.
  const message = full.replace(/^Failed to extract statements: /, '')
  const kind = /^([A-Za-z ]+?) Error: /.exec(message)?.[1] ?? ''
  const [head = '', lineBlock] = message.split(/\n\nLINE /)
  const detail = head.replace(/^[A-Za-z ]+? Error: /, '').trim()
  const match = lineBlock === undefined ? null : /^(\d+): (.*)\n( *)\^/.exec(lineBlock)
  if (match === null) return { kind, detail, caret: null }
  // The caret line is indented to line up with the excerpt after "LINE n: ".
  return { kind, detail, caret: { line: Number(match[1]), excerpt: match[2]!, column: match[3]!.length - `LINE ${match[1]}: `.length } }
}

/** The statement offset a caret marks. DuckDB shortens long lines with `...` on either side, so the excerpt is found in its line. */
function caretOffset(text: string, caret: Caret): number | null {
  const lines = text.split('\n')
  const line = lines[caret.line - 1]
  if (line === undefined || caret.column < 0) return null
  const leading = caret.excerpt.startsWith('...') ? 3 : 0
  const core = caret.excerpt.slice(leading).replace(/\.\.\.$/, '')
  const excerptStart = Math.max(0, line.indexOf(core))
  const lineStart = lines.slice(0, caret.line - 1).reduce((sum, previous) => sum + previous.length + 1, 0)
  return lineStart + Math.min(line.length, excerptStart + caret.column - leading)
}

/** Where an error points in the user's text: `(line L, pos P)` and the `== SQL ==` excerpt, or nothing when it is not in text the user wrote. */
function locate(statement: SqlText, marker: number | Caret | null): { position: string; excerpt: string } {
  const offset = marker === null ? null : typeof marker === 'number' ? marker : caretOffset(statement.text, marker)
  if (offset === null) return { position: '', excerpt: '' }
  const found = statement.locate(offset)
  if (found === null) return { position: '', excerpt: '' }
  const original = found.source.original
  const length = /^[\p{L}\p{N}_]+/u.exec(original.slice(found.offset))?.[0].length ?? 1
  return { position: ` (${positionOf(original, found.offset)})`, excerpt: `\n\n${pointAt(original, found.offset, length)}` }
}

/** Internal names read as the user wrote them: sluice_window is window, subquery aliases go. */
function cleanNames(text: string): string {
  return text.replace(/\bsluice_(\w+)/g, '$1').replace(/"q\d+"\./g, '')
}

function backquote(name: string): string {
  return `\`${name}\``
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
