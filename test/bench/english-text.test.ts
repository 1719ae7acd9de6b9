import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { ENGLISH_TEXT_SEED, ensureEnglishText, generateEnglishText } from '../../bench/english-text.js'

const MIB = 1024 * 1024

// A word as the generator writes it: ASCII letters, inner apostrophes or hyphens, and at most one
// trailing punctuation mark.
const WORD = String.raw`[A-Za-z]+(?:['-][A-Za-z]+)*[,.;:!?]?`
const LINE = new RegExp(`^${WORD}(?: ${WORD}){5,17}$`)

function lines(text: string): string[] {
  expect(text.endsWith('\n')).toBe(true)
  return text.slice(0, -1).split('\n')
}

/** The word a word count would see: lower case, no punctuation. */
function normalise(word: string): string {
  return word.toLowerCase().replace(/[,.;:!?]$/, '')
}

describe('generateEnglishText', () => {
  it('gives byte-identical text for the same seed', () => {
    expect(generateEnglishText(100_000, 7)).toBe(generateEnglishText(100_000, 7))
  })

  it('gives different text for a different seed', () => {
    expect(generateEnglishText(100_000, 7)).not.toBe(generateEnglishText(100_000, 8))
  })

  it('gives a prefix of a longer text of the same seed', () => {
    const long = generateEnglishText(5 * MIB, 3)
    const short = generateEnglishText(MIB, 3)
    expect(long.startsWith(short)).toBe(true)
  })

  it('stops at the end of the first line that reaches the requested size', () => {
    for (const bytes of [1, 80, 4096, MIB, 4 * MIB + 17, 9 * MIB]) {
      const text = generateEnglishText(bytes, 11)
      const lastLine = text.slice(text.lastIndexOf('\n', text.length - 2) + 1)
      expect(text.length).toBeGreaterThanOrEqual(bytes)
      expect(text.length - lastLine.length).toBeLessThan(bytes)
    }
  })

  it('gives an empty text for zero bytes', () => {
    expect(generateEnglishText(0, 1)).toBe('')
  })

  it('writes only lines of 6 to 18 ASCII words separated by single spaces', () => {
    const text = generateEnglishText(MIB, 5)
    expect(/^[\x20-\x7e\n]*$/.test(text)).toBe(true)
    const badLines = lines(text).filter((line) => !LINE.test(line))
    expect(badLines).toEqual([])
  })

  it('has the long-tailed vocabulary of real English, led by "the"', () => {
    const counts = new Map<string, number>()
    for (const line of lines(generateEnglishText(MIB, 9))) {
      for (const word of line.split(' ')) {
        const key = normalise(word)
        counts.set(key, (counts.get(key) ?? 0) + 1)
      }
    }
    const byCount = [...counts].sort((a, b) => b[1] - a[1])

    expect(counts.size).toBeGreaterThan(1000)
    expect(byCount[0]![0]).toBe('the')
    expect(byCount.slice(0, 10).map(([word]) => word)).toEqual(expect.arrayContaining(['and', 'to', 'a', 'she']))
    // The tail: many words are rare, as in the book.
    expect(byCount.filter(([, count]) => count <= 10).length).toBeGreaterThan(500)
  })

  it('keeps some capitalised and punctuated forms', () => {
    const words = new Set(generateEnglishText(MIB, 9).split(/[ \n]/))
    expect(words).toContain('Alice')
    expect(words).toContain('The')
    expect(words).toContain('said,')
  })

  it('rejects a size that is not a non-negative integer', () => {
    expect(() => generateEnglishText(-1, 1)).toThrow(RangeError)
    expect(() => generateEnglishText(1.5, 1)).toThrow(/bytes must be a non-negative integer, got 1.5/)
  })
})

describe('ensureEnglishText', () => {
  it('writes the generated text once, under a name with size and version, and reuses it', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'sluice-english-'))
    try {
      const path = await ensureEnglishText(0.25, directory)
      expect(path).toBe(join(directory, 'english-0.25mb-v1.txt'))
      expect(await readFile(path, 'latin1')).toBe(generateEnglishText(0.25 * MIB, ENGLISH_TEXT_SEED))
      expect(await readdir(directory)).toEqual(['english-0.25mb-v1.txt'])

      const { mtimeMs } = await stat(path)
      expect(await ensureEnglishText(0.25, directory)).toBe(path)
      expect((await stat(path)).mtimeMs).toBe(mtimeMs)
    } finally {
      await rm(directory, { recursive: true, force: true })
    }
  })

  it('rejects a size that is not a positive number', async () => {
    await expect(ensureEnglishText(0)).rejects.toThrow(/megabytes must be a positive number of MiB, got 0/)
  })
})
