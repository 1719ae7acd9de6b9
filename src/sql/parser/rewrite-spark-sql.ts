import { quoteIdentifier, quoteString } from '../types/duckdb-types.js'
import { RENAMED_FUNCTIONS, rewriteCall } from './rewrite-call.js'
import { type Token, tokenize } from './tokenize.js'

/**
 * Spark SQL rewritten for DuckDB, with the way back: `originalOffset` maps
 * an offset of the DuckDB text (where DuckDB reports an error) to the
 * user's text, so errors point at what the user wrote.
 */
export interface RewrittenSql {
  readonly text: string
  readonly original: string
  /** Every word and backquoted name, lower-cased: the candidates for temp view names. */
  readonly names: ReadonlySet<string>
  originalOffset(offset: number): number
}

/**
 * Rewrites Spark SQL into DuckDB's dialect where the two differ and a
 * macro (see spark-macros.ts) cannot bridge it: string literals in `"` or
 * with backslash escapes, backquoted names, `window(...)` (a keyword in
 * DuckDB), Spark's datetime patterns, `concat`'s null rule, `concat_ws`
 * over an array, `LATERAL VIEW explode(...)`, and the names Spark gives
 * unaliased `explode(...)`, `window(...)` and `count(*)` columns.
 *
 * @example
 * rewriteSparkSql('select `word`, count(*) from words where word != "a"').text
 * // select "word", count(*) AS "count(1)" from words where word != 'a'
 */
export function rewriteSparkSql(text: string): RewrittenSql {
  const tokens = tokenize(text)
  const rewriter = new Rewriter(tokens)
  rewriter.range(0, tokens.length)
  const pieces = rewriter.pieces
  let output = ''
  const starts: number[] = []
  for (const piece of pieces) {
    starts.push(output.length)
    output += piece.text
  }
  const names = new Set(tokens.filter((token) => token.kind === 'word' || token.kind === 'identifier').map((token) => token.value.toLowerCase()))
  return {
    text: output,
    original: text,
    names,
    originalOffset(offset: number): number {
      let low = 0
      let high = starts.length - 1
      while (low < high) {
        const middle = (low + high + 1) >>> 1
        if (starts[middle]! <= offset) low = middle
        else high = middle - 1
      }
      const piece = pieces[low]
      if (piece === undefined) return 0
      return piece.verbatim ? piece.at + Math.min(offset - starts[low]!, piece.text.length) : piece.at
    },
  }
}

interface Piece {
  readonly text: string
  /** Where in the user's text this piece came from. */
  readonly at: number
  /** Copied unchanged, so offsets inside it map one to one. */
  readonly verbatim: boolean
}

/** Words that end a select list at its own nesting depth. */
const CLAUSE_WORDS = new Set([
  'from', 'where', 'group', 'having', 'order', 'limit', 'qualify', 'union', 'except', 'intersect', 'minus',
  'into', 'sort', 'cluster', 'distribute', 'offset', 'fetch', 'lateral',
])

/** Unaliased select items that Spark names differently from DuckDB. */
const SPARK_COLUMN_NAMES: Readonly<Record<string, string>> = { explode: 'col', explode_outer: 'col', window: 'window' }

/** Words that DuckDB reserves (outside the use it has for them) and Spark lets users name columns with. */
const DUCKDB_ONLY_KEYWORDS = new Set(['at', 'columns'])


class Rewriter {
  pieces: Piece[] = []
  readonly #tokens: readonly Token[]
  /** For each `(` the index of its `)`, and the reverse; -1 when unbalanced (DuckDB reports that). */
  readonly #match: number[]

  constructor(tokens: readonly Token[]) {
    this.#tokens = tokens
    this.#match = tokens.map(() => -1)
    const open: number[] = []
    tokens.forEach((token, i) => {
      if (token.kind !== 'symbol') return
      if (token.text === '(') open.push(i)
      else if (token.text === ')' && open.length > 0) {
        const start = open.pop()!
        this.#match[start] = i
        this.#match[i] = start
      }
    })
  }

  /** Emits the rewrite of tokens `from` .. `to`. */
  range(from: number, to: number): void {
    let i = from
    while (i < to) i = this.#token(i, to)
  }

  /** Emits token `i` (and whatever construct starts there); returns the index after it. */
  #token(i: number, to: number): number {
    const token = this.#tokens[i]!
    switch (token.kind) {
      case 'space':
        this.#verbatim(token)
        return i + 1
      case 'identifier':
        this.#emit(quoteIdentifier(token.value), token.start)
        return i + 1
      case 'string':
        return this.#string(i, to)
      case 'number':
        this.#number(token)
        return i + 1
      case 'symbol':
        return this.#symbol(i)
      case 'word':
        return this.#word(i, to)
    }
  }

  /** Adjacent string literals are one string in Spark ('a' 'b' is 'ab'). */
  #string(i: number, to: number): number {
    let value = this.#tokens[i]!.value
    let end = i + 1
    for (let next = this.#next(i); next < to && this.#tokens[next]!.kind === 'string'; next = this.#next(next)) {
      value += this.#tokens[next]!.value
      end = next + 1
    }
    this.#emit(quoteString(value), this.#tokens[i]!.start)
    return end
  }

  /** Spark's typed number suffixes: 1L, 2S, 3Y, 1.5D, 1.5F, 1.5BD. */
  #number(token: Token): void {
    const match = /^(.*?)(BD|[LSYDF])?$/i.exec(token.text)!
    const casts: Readonly<Record<string, string>> = { l: 'BIGINT', s: 'SMALLINT', y: 'TINYINT', d: 'DOUBLE', f: 'FLOAT' }
    const suffix = match[2]?.toLowerCase()
    if (suffix === undefined || suffix === 'bd') this.#emit(match[1]!, token.start, suffix === undefined)
    else this.#emit(`${match[1]}::${casts[suffix]}`, token.start)
  }

  #symbol(i: number): number {
    const token = this.#tokens[i]!
    const replacements: Readonly<Record<string, string>> = { '==': '=', '&&': 'AND', '<=>': 'IS NOT DISTINCT FROM' }
    const replacement = replacements[token.text]
    if (replacement !== undefined) this.#emit(replacement, token.start)
    else if (token.text === '!' && this.#tokens[i + 1]?.text !== '=') this.#emit('NOT ', token.start)
    else this.#verbatim(token)
    return i + 1
  }

  #word(i: number, to: number): number {
    const token = this.#tokens[i]!
    const lower = token.value.toLowerCase()
    const next = this.#next(i)
    const nextToken = this.#tokens[next]
    if (lower === 'select') return this.#selectList(i, to)
    if (lower === 'lateral' && this.#tokens[this.#next(i)]?.value.toLowerCase() === 'view') return this.#lateralView(i, to)
    if (nextToken?.text === '(' && nextToken.kind === 'symbol' && this.#match[next]! >= 0) return this.#call(i, next)
    if (lower === 'window' && !this.#isWindowClause(i)) {
      this.#emit('"window"', token.start)
    } else if (lower === 'current_timestamp' && nextToken?.text !== '(') {
      this.#emit('current_timestamp()', token.start)
    } else if (DUCKDB_ONLY_KEYWORDS.has(lower) && !(lower === 'at' && nextToken?.value.toLowerCase() === 'time')) {
      // A column named `at` is fine in Spark, but `at` starts AT TIME ZONE in DuckDB.
      this.#emit(quoteIdentifier(token.value), token.start)
    } else {
      this.#verbatim(token)
    }
    return i + 1
  }

  /** `WINDOW w AS (...)` is the SQL clause; any other bare `window` is the column Spark's window() makes. */
  #isWindowClause(i: number): boolean {
    const name = this.#tokens[this.#next(i)]
    const as = this.#tokens[this.#next(this.#next(i))]
    return name?.kind === 'word' && as?.value.toLowerCase() === 'as'
  }

  /** A function call `name(args)`: renamed or rewritten where Spark and DuckDB differ, copied otherwise. */
  #call(i: number, open: number): number {
    const token = this.#tokens[i]!
    const close = this.#match[open]!
    const lower = token.value.toLowerCase()
    const args = this.#arguments(open, close)
    const rewritten = rewriteCall(lower, {
      count: args.length,
      text: (index) => this.#capture(() => this.range(args[index]![0], args[index]![1])).trim(),
      literal: (index) => {
        const significant = this.#significant(args[index]![0], args[index]![1])
        const only = significant.length === 1 ? this.#tokens[significant[0]!]! : null
        return only?.kind === 'string' ? only.value : null
      },
    })
    if (rewritten !== null) {
      this.#emit(rewritten, token.start)
      return close + 1
    }
    const renamed = RENAMED_FUNCTIONS[lower]
    this.#emit(renamed ?? token.text, token.start, renamed === undefined)
    this.range(i + 1, close)
    this.#verbatim(this.#tokens[close]!)
    return close + 1
  }

  /** `SELECT [DISTINCT] item, ...` up to the clause that ends it, naming the items Spark names differently. */
  #selectList(i: number, to: number): number {
    this.#verbatim(this.#tokens[i]!)
    let start = i + 1
    let end = start
    while (end < to) {
      const token = this.#tokens[end]!
      if (token.kind === 'symbol' && token.text === '(' && this.#match[end]! > end) {
        end = this.#match[end]! + 1
        continue
      }
      if (token.kind === 'symbol' && (token.text === ')' || token.text === ';')) break
      if (token.kind === 'word' && (CLAUSE_WORDS.has(token.value.toLowerCase()) || (token.value.toLowerCase() === 'window' && this.#isWindowClause(end)))) break
      end++
    }
    const first = this.#tokens[this.#next(i)]
    if (first !== undefined && /^(distinct|all)$/i.test(first.value) && first.kind === 'word') {
      this.range(start, this.#next(i) + 1)
      start = this.#next(i) + 1
    }
    for (const [from, until] of this.#split(start, end)) {
      const significant = this.#significant(from, until)
      this.range(from, until === end ? (significant.at(-1) ?? from - 1) + 1 : until)
      const alias = this.#sparkName(significant)
      if (alias !== null) this.#emit(` AS ${quoteIdentifier(alias)}`, this.#tokens[significant.at(-1)!]!.end)
      if (until === end) this.range((significant.at(-1) ?? from - 1) + 1, until)
      else this.#verbatim(this.#tokens[until]!)
    }
    return end
  }

  /** The column name Spark gives an unaliased item that is exactly `explode(...)`, `window(...)` or `count(*)`. */
  #sparkName(significant: readonly number[]): string | null {
    if (significant.length < 3) return null
    const name = this.#tokens[significant[0]!]!
    const open = significant[1]!
    if (name.kind !== 'word' || this.#tokens[open]!.text !== '(' || this.#match[open] !== significant.at(-1)) return null
    const lower = name.value.toLowerCase()
    if (lower === 'count') return significant.length === 4 && this.#tokens[significant[2]!]!.text === '*' ? 'count(1)' : null
    return SPARK_COLUMN_NAMES[lower] ?? null
  }

  /** `LATERAL VIEW [OUTER] explode(expr) alias AS col`: DuckDB's lateral join with unnest. */
  #lateralView(i: number, to: number): number {
    let at = this.#next(this.#next(i))
    const outer = this.#tokens[at]?.value.toLowerCase() === 'outer'
    if (outer) at = this.#next(at)
    const fn = this.#tokens[at]
    const open = this.#next(at)
    if (fn === undefined || !/^explode(_outer)?$/i.test(fn.value) || this.#tokens[open]?.text !== '(' || this.#match[open]! < 0) {
      this.#verbatim(this.#tokens[i]!)
      return i + 1
    }
    const close = this.#match[open]!
    const argument = this.#capture(() => this.range(open + 1, close)).trim()
    let cursor = this.#next(close)
    const alias = this.#tokens[cursor]
    cursor = this.#next(cursor)
    if (this.#tokens[cursor]?.value.toLowerCase() === 'as') cursor = this.#next(cursor)
    const column = this.#tokens[cursor]
    if (alias === undefined || column === undefined || cursor >= to) {
      this.#verbatim(this.#tokens[i]!)
      return i + 1
    }
    const keepEmpty = outer || /_outer$/i.test(fn.value)
    const source = keepEmpty ? `CASE WHEN len(${argument}) > 0 THEN ${argument} ELSE [NULL] END` : argument
    this.#emit(`CROSS JOIN unnest(${source}) AS ${quoteIdentifier(alias.value)}(${quoteIdentifier(column.value)})`, this.#tokens[i]!.start)
    return cursor + 1
  }

  /** Splits tokens `from` .. `to` at top-level commas: [start, comma-or-end] pairs. */
  #split(from: number, to: number): [number, number][] {
    const parts: [number, number][] = []
    let start = from
    for (let j = from; j < to; j++) {
      const token = this.#tokens[j]!
      if (token.kind === 'symbol' && token.text === '(' && this.#match[j]! > j) j = this.#match[j]!
      else if (token.kind === 'symbol' && token.text === ',') {
        parts.push([start, j])
        start = j + 1
      }
    }
    parts.push([start, to])
    return parts
  }

  #arguments(open: number, close: number): [number, number][] {
    if (this.#significant(open + 1, close).length === 0) return []
    return this.#split(open + 1, close)
  }

  #significant(from: number, to: number): number[] {
    const found: number[] = []
    for (let j = from; j < to; j++) if (this.#tokens[j]!.kind !== 'space') found.push(j)
    return found
  }

  /** The index of the next token after `i` that is not space (the length when none). */
  #next(i: number): number {
    let j = i + 1
    while (j < this.#tokens.length && this.#tokens[j]!.kind === 'space') j++
    return j
  }

  /** Runs `emit` into a separate buffer and returns what it wrote, for arguments that are rearranged. */
  #capture(emit: () => void): string {
    const saved = this.pieces
    this.pieces = []
    emit()
    const text = this.pieces.map((piece) => piece.text).join('')
    this.pieces = saved
    return text
  }

  #verbatim(token: Token): void {
    this.#emit(token.text, token.start, true)
  }

  #emit(text: string, at: number, verbatim = false): void {
    this.pieces.push({ text, at, verbatim })
  }
}
