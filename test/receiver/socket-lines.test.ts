import { describe, expect, it } from 'vitest'

import { socketLines } from '../../src/index.js'
import type { ChunkedAsyncIterable, SocketConverterContext } from '../../src/receiver/index.js'
import { thrownBy } from '../support/rejection.js'

// The converter alone, on chunks cut exactly where a test wants them; the socket tests cover the same over TCP.

async function* chunksOf(...chunks: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk
}

interface Converted {
  readonly chunks: string[][]
  readonly errors: string[]
}

async function convert(chunks: (string | Uint8Array)[], maxLineBytes?: number): Promise<Converted> {
  const errors: string[] = []
  const context: SocketConverterContext = { source: 'SocketInputDStream[7] (127.0.0.1:9999)', reportError: (message) => void errors.push(message) }
  const lines = socketLines(maxLineBytes === undefined ? {} : { maxLineBytes })(chunksOf(...chunks), context) as ChunkedAsyncIterable<string>
  const out: string[][] = []
  for await (const chunk of lines.chunks()) out.push([...chunk])
  return { chunks: out, errors }
}

async function linesOf(chunks: (string | Uint8Array)[], maxLineBytes?: number): Promise<string[]> {
  return (await convert(chunks, maxLineBytes)).chunks.flat()
}

describe('socketLines', () => {
  it('cuts lines at \\n, drops a \\r before it, and keeps empty lines', async () => {
    expect(await linesOf(['one\r\ntwo\n\nthree\n'])).toEqual(['one', 'two', '', 'three'])
  })

  it('gives the lines a chunk completes as one array, so a receiver stores them with one call', async () => {
    const { chunks } = await convert(['a\nb\nc', 'd\ne\n', 'f'])

    expect(chunks).toEqual([['a', 'b'], ['cd', 'e'], ['f']])
  })

  it('joins a line cut across chunks, however it is cut', async () => {
    const text = 'first line\nsecond one\r\nthird\n'
    const bytes = Buffer.from(text)
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(await linesOf([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(['first line', 'second one', 'third'])
    }
  })

  it('decodes a multi-byte UTF-8 character split across chunks at any byte', async () => {
    const text = 'naïve café\n日本語 🎉\n'
    const bytes = Buffer.from(text)
    for (let cut = 1; cut < bytes.length; cut++) {
      for (let second = cut; second < bytes.length; second++) {
        const lines = await linesOf([bytes.subarray(0, cut), bytes.subarray(cut, second), bytes.subarray(second)])
        expect(lines).toEqual(['naïve café', '日本語 🎉'])
      }
    }
  })

  it('keeps a byte order mark inside the text', async () => {
    expect(await linesOf(['\uFEFFa\n\uFEFFb\n'])).toEqual(['\uFEFFa', '\uFEFFb'])
  })

  it('delivers the last line when the input ends without a newline', async () => {
    expect(await linesOf(['a\nlast', ' words'])).toEqual(['a', 'last words'])
    expect(await linesOf(['a\n'])).toEqual(['a'])
    expect(await linesOf([])).toEqual([])
  })

  it('reports and drops a line longer than maxLineBytes, keeping the lines around it', async () => {
    const { chunks, errors } = await convert(['before\n', 'x'.repeat(40), 'x'.repeat(40), 'y'.repeat(20), '\nafter\n'], 64)

    expect(chunks.flat()).toEqual(['before', 'after'])
    expect(errors).toEqual([
      'Dropped a line of 100 bytes from SocketInputDStream[7] (127.0.0.1:9999): it is longer than maxLineBytes (64); the lines around it are kept. Raise the maxLineBytes option if such lines are expected',
    ])
  })

  it('drops an oversized line inside one chunk, at its end, or begun in the tail of the previous chunk', async () => {
    const long = 'z'.repeat(30)
    const { chunks, errors } = await convert([`a\n${long}\nb\n${long.slice(0, 5)}`, `${long}\nc\n${long}`], 16)

    expect(chunks.flat()).toEqual(['a', 'b', 'c'])
    expect(errors.map((message) => /a line of (\d+) bytes/.exec(message)?.[1])).toEqual(['30', '35', '30'])
  })

  it('keeps a line of exactly maxLineBytes', async () => {
    expect(await linesOf(['12345678\n', '1234', '5678\n'], 8)).toEqual(['12345678', '12345678'])
  })

  it('yields the same lines one by one when iterated directly', async () => {
    const lines: string[] = []
    for await (const line of socketLines()(chunksOf('a\nb', 'c\n'), { source: 'test', reportError: () => {} })) lines.push(line)

    expect(lines).toEqual(['a', 'bc'])
  })

  it('rejects a maxLineBytes that is not a positive whole number', () => {
    const error = thrownBy(() => socketLines({ maxLineBytes: 0 }))

    expect(error).toBeInstanceOf(RangeError)
    expect(error.message).toBe('options.maxLineBytes must be a positive whole number of bytes, got 0')
  })
})
