import { describe, expect, it } from 'vitest'

import { type DStream, ManualClock, Seconds, StreamingContext } from '../../src/index.js'
import { thrownBy } from '../support/rejection.js'
import { runBatches, sharedSparkContext } from '../support/run-batches.js'

const RULE = '-------------------------------------------'

/** What `print` wrote to stdout while `define`'s streams ran over `input`. */
async function printed<T>(input: T[][], define: (stream: DStream<T>) => void): Promise<string> {
  const chunks: string[] = []
  const write = process.stdout.write
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
    return true
  }) as typeof process.stdout.write
  try {
    await runBatches({
      input,
      operation: (s) => {
        define(s)
        return s
      },
    })
  } finally {
    process.stdout.write = write
  }
  return chunks.join('')
}

describe('print', () => {
  it('prints Spark’s header for every batch, empty ones included, then the records and an empty line', async () => {
    const output = await printed([['hello', 'world'], [], [1.5, true, null]] as unknown[][], (s) => s.print())

    expect(output).toBe(
      [
        RULE,
        'Time: 1000 ms',
        RULE,
        'hello',
        'world',
        '',
        RULE,
        'Time: 2000 ms',
        RULE,
        '',
        RULE,
        'Time: 3000 ms',
        RULE,
        '1.5',
        'true',
        'null',
        '',
        '',
      ].join('\n'),
    )
  })

  it('prints pairs as (a,b), other arrays as [a, b], and objects as JSON', async () => {
    const output = await printed(
      [
        [
          ['hello', 2],
          ['k', ['x', 1]],
          [1, 2, 3],
          [],
          { word: 'a', n: 1 },
        ],
      ] as unknown[][],
      (s) => s.print(),
    )

    expect(output).toBe([RULE, 'Time: 1000 ms', RULE, '(hello,2)', '(k,(x,1))', '[1, 2, 3]', '[]', '{"word":"a","n":1}', '', ''].join('\n'))
  })

  it('prints the first num records and ... when the batch has more', async () => {
    const output = await printed([[1, 2, 3, 4], [5, 6, 7], [8]], (s) => s.print(3))

    expect(output).toBe(
      [RULE, 'Time: 1000 ms', RULE, '1', '2', '3', '...', '', RULE, 'Time: 2000 ms', RULE, '5', '6', '7', '', RULE, 'Time: 3000 ms', RULE, '8', '', ''].join('\n'),
    )
  })

  it('prints ten records by default', async () => {
    const output = await printed([Array.from({ length: 12 }, (_, i) => i)], (s) => s.print())
    const lines = output.split('\n')

    expect(lines.slice(3, 14)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '...'])
  })

  it('print(0) prints only the header, with ... when the batch is not empty', async () => {
    const output = await printed([[1], []], (s) => s.print(0))

    expect(output).toBe([RULE, 'Time: 1000 ms', RULE, '...', '', RULE, 'Time: 2000 ms', RULE, '', ''].join('\n'))
  })

  it('pprint is print', async () => {
    const output = await printed([[['a', 1]]], (s) => s.pprint())

    expect(output).toBe([RULE, 'Time: 1000 ms', RULE, '(a,1)', '', ''].join('\n'))
  })

  it('prints windows only at the times the window slides to', async () => {
    const output = await printed([[1], [2], [3], [4]], (s) => s.window(Seconds(2), Seconds(2)).count().print())

    expect(output).toBe([RULE, 'Time: 2000 ms', RULE, '2', '', RULE, 'Time: 4000 ms', RULE, '2', '', ''].join('\n'))
  })

  it('refuses a count of records that is not a whole number', async () => {
    const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock: new ManualClock() })
    try {
      const stream = ssc.queueStream<number>([])
      for (const num of [-1, 1.5, Number.NaN]) {
        const error = thrownBy<RangeError>(() => stream.print(num))
        expect(error).toBeInstanceOf(RangeError)
        expect(error.message).toBe(`print needs a whole number of records to show, got ${num}`)
      }
    } finally {
      await ssc.stop(false)
    }
  })
})
