import { describe, expect, it } from 'vitest'

import { ParseError } from '../../../src/index.js'
import { javaToStrftime } from '../../../src/sql/parser/java-date-format.js'
import { rewriteSparkSql } from '../../../src/sql/parser/rewrite-spark-sql.js'
import { thrownBy } from '../../support/rejection.js'

const rewrite = (text: string): string => rewriteSparkSql(text).text

describe('rewriteSparkSql', () => {
  it('turns Spark’s quotes into DuckDB’s: "..." and \\-escapes are strings, backquotes are names', () => {
    expect(rewrite('select `my col` from t where a = "x" and b = \'it\\\'s\'')).toBe(`select "my col" from t where a = 'x' and b = 'it''s'`)
    expect(rewrite("select 'a' 'b'")).toBe("select 'ab'")
  })

  it('names unaliased explode, window and count(*) items as Spark does, and leaves aliased ones alone', () => {
    expect(rewrite('select explode(xs), count(*), count(*) as n from t')).toBe('select explode(xs) AS "col", count(*) AS "count(1)", count(*) as n from t')
    expect(rewrite("select window(ts, '10 minutes'), window.start from t")).toBe(`select sluice_window(ts, '10 minutes') AS "window", "window".start from t`)
  })

  it('keeps the WINDOW clause of a query a clause', () => {
    expect(rewrite('select sum(n) over w from t window w as (order by n)')).toBe('select sum(n) over w from t window w as (order by n)')
  })

  it('rewrites concat, two-argument concat_ws, regexp_replace and literal datetime patterns', () => {
    expect(rewrite("select concat(a, '-', b)")).toBe("select (a || '-' || b)")
    expect(rewrite("select concat_ws(',', xs), concat_ws(',', a, b)")).toBe("select sluice_concat_ws(',', xs), concat_ws(',', a, b)")
    expect(rewrite("select date_format(ts, 'yyyy-MM-dd HH:mm')")).toBe("select strftime(CAST(ts AS TIMESTAMP), '%Y-%m-%d %H:%M')")
    expect(rewrite("select to_timestamp(s, 'dd/MM/yyyy')")).toBe("select try_strptime(CAST(s AS VARCHAR), '%d/%m/%Y')")
  })

  it('maps typed number suffixes and Spark operators', () => {
    expect(rewrite('select 1L, 2.5D, a == b, a && b, a <=> b')).toBe('select 1::BIGINT, 2.5::DOUBLE, a = b, a AND b, a IS NOT DISTINCT FROM b')
  })

  it('rewrites LATERAL VIEW explode into a lateral unnest', () => {
    expect(rewrite("select word from lines lateral view explode(split(line, ' ')) t as word")).toBe(
      `select word from lines CROSS JOIN unnest(split(line, ' ')) AS "t"("word")`,
    )
  })

  it('maps offsets of the rewritten text back to the user’s text', () => {
    const rewritten = rewriteSparkSql('select "a", wrod from t')
    const at = rewritten.text.indexOf('wrod')

    expect(rewritten.originalOffset(at)).toBe(12)
  })

  it('reports an unclosed string as a ParseError with its position', () => {
    const error = thrownBy(() => rewriteSparkSql("select 'abc"))

    expect(error).toBeInstanceOf(ParseError)
    expect(error.message).toContain('Unclosed string starting at line 1, pos 7')
  })
})

describe('javaToStrftime', () => {
  it('translates Spark datetime patterns, quoted literals and fractions', () => {
    expect(javaToStrftime("yyyy-MM-dd'T'HH:mm:ss.SSS")).toBe('%Y-%m-%dT%H:%M:%S.%g')
    expect(javaToStrftime('d/M/yy h:mm a')).toBe('%-d/%-m/%y %-I:%M %p')
    expect(javaToStrftime('d/M/yy', true)).toBe('%d/%m/%y')
  })
})
