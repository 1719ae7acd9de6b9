import type { RewrittenSql } from './rewrite-spark-sql.js'

/** A span of generated SQL that came from text the user wrote (a `spark.sql` query, a `filter("...")` condition). */
export interface SqlFragment {
  readonly start: number
  readonly end: number
  readonly source: RewrittenSql
}

/**
 * DuckDB SQL under construction, remembering which spans came from the
 * user's own text, so that an error DuckDB reports at an offset of the
 * whole statement can point into what the user wrote.
 */
export class SqlText {
  constructor(
    readonly text: string,
    readonly fragments: readonly SqlFragment[] = [],
  ) {}

  /** The user's rewritten text, as a fragment of its own. */
  static user(source: RewrittenSql): SqlText {
    return new SqlText(source.text, [{ start: 0, end: source.text.length, source }])
  }

  /** Joins parts (SqlText, or raw SQL strings) with `separator`. */
  static join(parts: readonly (SqlText | string)[], separator = ''): SqlText {
    let text = ''
    const fragments: SqlFragment[] = []
    parts.forEach((part, i) => {
      if (i > 0) text += separator
      if (typeof part === 'string') {
        text += part
        return
      }
      for (const fragment of part.fragments) fragments.push({ start: fragment.start + text.length, end: fragment.end + text.length, source: fragment.source })
      text += part.text
    })
    return new SqlText(text, fragments)
  }

  /** The fragment of user text that covers `offset`, if any, and the offset inside that user text. */
  locate(offset: number): { source: RewrittenSql; offset: number } | null {
    const fragment = this.fragments.find((candidate) => offset >= candidate.start && offset <= candidate.end)
    if (fragment === undefined) return null
    return { source: fragment.source, offset: fragment.source.originalOffset(offset - fragment.start) }
  }

  toString(): string {
    return this.text
  }
}

/**
 * Builds SqlText from a template: interpolated SqlText keeps its
 * fragments, strings are raw SQL (quote identifiers and literals first).
 *
 * @example
 * sql`SELECT * FROM (${child}) WHERE ${condition}`
 */
export function sql(strings: TemplateStringsArray, ...values: readonly (SqlText | string)[]): SqlText {
  const parts: (SqlText | string)[] = []
  strings.forEach((text, i) => {
    parts.push(text)
    if (i < values.length) parts.push(values[i]!)
  })
  return SqlText.join(parts)
}
