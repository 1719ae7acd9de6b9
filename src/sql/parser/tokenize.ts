import { ParseError } from '../../common/errors.js'

/**
 * A lexical token of Spark SQL, with where it sits in the text. Strings
 * carry their decoded value (Spark's quotes are `'` and `"`, with
 * backslash escapes); `identifier` is a backquoted name, also decoded.
 * Whitespace and comments are `space` tokens, kept so that the rewritten
 * SQL keeps the user's layout.
 */
export interface Token {
  readonly kind: 'space' | 'word' | 'identifier' | 'string' | 'number' | 'symbol'
  readonly text: string
  /** The decoded value of a string or a backquoted identifier; the text otherwise. */
  readonly value: string
  readonly start: number
  readonly end: number
}

const SYMBOLS = ['<=>', '::', '<=', '>=', '<>', '!=', '==', '||', '&&', '->', '=>']
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', b: '\b', '0': '\0', Z: '\x1a' }

/** Splits Spark SQL into tokens; throws a ParseError for an unclosed quote or comment. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let at = 0
  const push = (kind: Token['kind'], end: number, value = text.slice(at, end)): void => {
    tokens.push({ kind, text: text.slice(at, end), value, start: at, end })
    at = end
  }
  while (at < text.length) {
    const char = text[at]!
    const rest = text.slice(at, at + 3)
    if (/\s/.test(char)) {
      let end = at + 1
      while (end < text.length && /\s/.test(text[end]!)) end++
      push('space', end)
    } else if (rest.startsWith('--')) {
      const newline = text.indexOf('\n', at)
      push('space', newline < 0 ? text.length : newline)
    } else if (rest.startsWith('/*')) {
      const close = text.indexOf('*/', at + 2)
      if (close < 0) throw unclosed(text, at, 'comment')
      push('space', close + 2)
    } else if (char === "'" || char === '"') {
      const { end, value } = readQuoted(text, at, char)
      push('string', end, value)
    } else if (char === '`') {
      let value = ''
      let end = at + 1
      for (;;) {
        const close = text.indexOf('`', end)
        if (close < 0) throw unclosed(text, at, 'backquoted name')
        value += text.slice(end, close)
        if (text[close + 1] !== '`') {
          end = close + 1
          break
        }
        value += '`'
        end = close + 2
      }
      push('identifier', end, value)
    } else if (/[0-9]/.test(char) || (char === '.' && /[0-9]/.test(text[at + 1] ?? ''))) {
      const match = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:BD|[LSYDF])?/i.exec(text.slice(at))!
      push('number', at + match[0].length)
    } else if (/[\p{L}_]/u.test(char)) {
      const match = /^[\p{L}\p{N}_$]+/u.exec(text.slice(at))!
      push('word', at + match[0].length)
    } else {
      const symbol = SYMBOLS.find((candidate) => text.startsWith(candidate, at)) ?? char
      push('symbol', at + symbol.length)
    }
  }
  return tokens
}

/** A Spark string literal: backslash escapes, no doubling of quotes. */
function readQuoted(text: string, start: number, quote: string): { end: number; value: string } {
  let value = ''
  let at = start + 1
  while (at < text.length) {
    const char = text[at]!
    if (char === quote) return { end: at + 1, value }
    if (char === '\\' && at + 1 < text.length) {
      const next = text[at + 1]!
      if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) {
        value += String.fromCharCode(Number.parseInt(text.slice(at + 2, at + 6), 16))
        at += 6
        continue
      }
      value += ESCAPES[next] ?? next
      at += 2
      continue
    }
    value += char
    at++
  }
  throw unclosed(text, start, 'string')
}

function unclosed(text: string, at: number, what: string): ParseError {
  return new ParseError(`Unclosed ${what} starting at ${positionOf(text, at)}; close it or escape the quote with a backslash\n\n${pointAt(text, at, 1)}`)
}

/** `line L, pos P` of an offset, as Spark reports positions (line from 1, position from 0). */
export function positionOf(text: string, offset: number): string {
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  return `line ${line}, pos ${offset - (before.lastIndexOf('\n') + 1)}`
}

/** Spark's `== SQL ==` block: the statement with `---^^^` under the offending text. */
export function pointAt(text: string, offset: number, length: number): string {
  const lines = text.split('\n')
  const out = ['== SQL ==']
  let lineStart = 0
  for (const line of lines) {
    out.push(line)
    const lineEnd = lineStart + line.length
    if (offset >= lineStart && offset <= lineEnd) {
      out.push(`${'-'.repeat(offset - lineStart)}${'^'.repeat(Math.max(1, Math.min(length, lineEnd - offset)))}`)
    }
    lineStart = lineEnd + 1
  }
  return out.join('\n')
}
