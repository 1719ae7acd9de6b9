import { describe, expect, it } from 'vitest'

import { AnalysisError, ParseError, SluiceError, col } from '../../src/index.js'
import { rejectionOf } from '../support/rejection.js'
import { sparkSession } from './session-fixture.js'

const withWords = () => {
  const spark = sparkSession()
  spark.createDataFrame([{ word: 'a', n: 1 }]).createOrReplaceTempView('words')
  return spark
}

describe('errors from SQL', () => {
  it('sql() is lazy: a bad query fails at its first action, not when it is written', () => {
    expect(() => withWords().sql('select nothing from nowhere')).not.toThrow()
  })

  it('an unknown table is an AnalysisError naming it, with close matches and the position', async () => {
    const error = await rejectionOf(withWords().sql('select word from wrods').collect())

    expect(error).toBeInstanceOf(AnalysisError)
    expect(error.message).toBe(
      '[TABLE_OR_VIEW_NOT_FOUND] The table or view `wrods` cannot be found (line 1, pos 17). Did you mean one of the following? [`words`]. ' +
        'Register a DataFrame under this name with df.createOrReplaceTempView("wrods") first, or fix the name.\n\n' +
        '== SQL ==\nselect word from wrods\n-----------------^^^^^',
    )
    expect((error.cause as Error).message).toMatch(/^Catalog Error: Table with name wrods does not exist/)
  })

  it('an unknown column is an AnalysisError naming it, with close matches and the line and position', async () => {
    const error = await rejectionOf(withWords().sql('select n,\n  wrod\nfrom words').collect())

    expect(error).toBeInstanceOf(AnalysisError)
    expect(error.message).toBe(
      '[UNRESOLVED_COLUMN] A column or function parameter with name `wrod` cannot be resolved (line 2, pos 2). Did you mean one of the following? [`word`].\n\n' +
        '== SQL ==\nselect n,\n  wrod\n--^^^^\nfrom words',
    )
  })

  it('an unknown column of a DataFrame verb names it, and points into the expression string', async () => {
    const spark = withWords()
    const fromColumn = await rejectionOf(spark.table('words').select(col('wrod')).collect())
    const fromString = await rejectionOf(spark.table('words').filter("n > 0 and wrod = 'a'").collect())

    expect(fromColumn).toBeInstanceOf(AnalysisError)
    expect(fromColumn.message).toMatch(/^\[UNRESOLVED_COLUMN\] A column or function parameter with name `wrod` cannot be resolved\. Did you mean one of the following\? \[`word`\]\.$/)
    expect(fromString.message).toMatch(/`wrod` cannot be resolved \(line 1, pos 10\)[^]*== SQL ==\nn > 0 and wrod = 'a'\n----------\^\^\^\^$/)
  })

  it('an unknown function is an AnalysisError naming it', async () => {
    const error = await rejectionOf(withWords().sql('select lenght(word) from words').collect())

    expect(error).toBeInstanceOf(AnalysisError)
    expect(error.message).toMatch(/^\[UNRESOLVED_ROUTINE\] Cannot resolve function `lenght` \(line 1, pos 7\)\. Did you mean `length`\?/)
  })

  it('bad syntax is a ParseError with the position and Spark’s SQL excerpt', async () => {
    const error = await rejectionOf(withWords().sql('select word\nfrom words wher n > 1').show())

    expect(error).toBeInstanceOf(ParseError)
    expect(error.message).toBe('[PARSE_SYNTAX_ERROR] Syntax error at or near "n" (line 2, pos 16); fix the SQL at the marked position\n\n== SQL ==\nselect word\nfrom words wher n > 1\n----------------^')
  })

  it('an unfinished statement is a ParseError at its end', async () => {
    const error = await rejectionOf(withWords().sql('select word from words where').collect())

    expect(error).toBeInstanceOf(ParseError)
    expect(error.message).toMatch(/^\[PARSE_SYNTAX_ERROR\] Syntax error at end of input \(line 1, pos 28\)/)
  })

  it('a failure while running (a bad cast) is a SluiceError with DuckDB’s message as the cause', async () => {
    const error = await rejectionOf(withWords().sql('select cast(word as int) from words').collect())

    expect(error).toBeInstanceOf(SluiceError)
    expect(error.message).toMatch(/^Query failed: Could not convert string 'a' to INT32/)
    expect(error.cause).toBeInstanceOf(Error)
  })

  it('an error in a temp view’s query surfaces when the view is used', async () => {
    const spark = withWords()
    spark.sql('select wrod from words').createOrReplaceTempView('broken')

    const error = await rejectionOf(spark.sql('select * from broken').collect())

    expect(error).toBeInstanceOf(AnalysisError)
    expect(error.message).toMatch(/`wrod` cannot be resolved \(line 1, pos 7\)/)
  })
})
