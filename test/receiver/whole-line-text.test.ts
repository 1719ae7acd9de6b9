import { describe, expect, it } from 'vitest'

import { countLines } from '../../src/receiver/receiver.js'
import { type LineText, wholeLineText } from '../../src/receiver/socket-lines.js'
import { splitTextLines } from '../../src/executor/text-lines.js'

async function runs(chunks: readonly string[], maxLineBytes = 64): Promise<{ lines: string[]; counts: number[]; reports: string[] }> {
  const reports: string[] = []
  const context = { source: 'test socket', reportError: (message: string) => void reports.push(message) }
  async function* bytes(): AsyncGenerator<Uint8Array> {
    for (const chunk of chunks) yield Buffer.from(chunk)
  }
  const found: LineText[] = []
  for await (const run of wholeLineText(bytes(), maxLineBytes, context)) found.push(run)
  return {
    lines: found.flatMap((run) => splitTextLines(run.bytes)),
    counts: found.map((run) => run.lines),
    reports,
  }
}

describe('wholeLineText', () => {
  it('passes the whole lines of a chunk on as one run, counted, and keeps the unfinished tail for the next chunk', async () => {
    const { lines, counts } = await runs(['one\ntwo\nthr', 'ee\nfour\n'])

    expect(lines).toEqual(['one', 'two', 'three', 'four'])
    expect(counts).toEqual([2, 1, 1])
    expect(counts.reduce((a, b) => a + b)).toBe(lines.length)
  })

  it('ends a last line that has no newline when the stream ends', async () => {
    const { lines, counts } = await runs(['a\nlast'])

    expect(lines).toEqual(['a', 'last'])
    expect(counts).toEqual([1, 1])
  })

  it('cuts an over-long line out of the middle of a chunk, keeping the lines around it and naming its length', async () => {
    const { lines, reports } = await runs(['ab\ncdefghijkl\nxy\n'], 5)

    expect(lines).toEqual(['ab', 'xy'])
    expect(reports).toEqual(['Dropped a line of 10 bytes from test socket: it is longer than maxLineBytes (5); the lines around it are kept. Raise the maxLineBytes option if such lines are expected'])
  })

  it('drops an over-long line spread over several chunks without holding it whole', async () => {
    const { lines, reports } = await runs(['ok\n123', '4567', '89\nfine\n'], 5)

    expect(lines).toEqual(['ok', 'fine'])
    expect(reports).toHaveLength(1)
    expect(reports[0]).toMatch(/^Dropped a line of 9 bytes/)
  })

  it('keeps multi-byte characters split across chunks whole, since lines are cut at newline bytes', async () => {
    const euro = Buffer.from('€')
    const reports: string[] = []
    async function* bytes(): AsyncGenerator<Uint8Array> {
      yield Buffer.concat([Buffer.from('price '), euro.subarray(0, 2)])
      yield Buffer.concat([euro.subarray(2), Buffer.from('5\r\n')])
    }
    const found: LineText[] = []
    for await (const run of wholeLineText(bytes(), 64, { source: 's', reportError: (message) => void reports.push(message) })) found.push(run)

    expect(found.flatMap((run) => splitTextLines(run.bytes))).toEqual(['price €5'])
  })

  it('counts lines as the number of newlines, plus one for an unterminated last line', () => {
    expect(countLines(Buffer.from('a\nb\n'))).toBe(2)
    expect(countLines(Buffer.from('a\nb'))).toBe(2)
    expect(countLines(Buffer.from(''))).toBe(0)
  })
})
