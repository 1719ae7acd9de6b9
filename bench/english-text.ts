/**
 * Benchmark input that reads like English without shipping megabytes of it: words drawn at random,
 * with their real frequencies, from the bundled Alice text (examples/data/alice-in-wonderland.txt),
 * laid out as lines of 6–18 words. Word-count style benchmarks then see a realistic vocabulary: a
 * few very common words ("the", "and", "to"), a long tail seen once or twice, and the capitalised
 * and punctuated forms ("Alice", "said,", "The") a real text has.
 *
 * The output depends only on the size, the seed and the Alice file, never on the machine: the
 * generator is a seeded mulberry32, not Math.random.
 */
import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Bump when the output of the generator changes, so files made by an older one are not reused. */
export const ENGLISH_TEXT_FORMAT_VERSION = 1

/** The seed behind every file {@link ensureEnglishText} writes. */
export const ENGLISH_TEXT_SEED = 20_240_611

const MIB = 1024 * 1024
const MIN_WORDS_PER_LINE = 6
const MAX_WORDS_PER_LINE = 18
// Text is built in byte chunks of about this size and written one chunk at a time, never as one
// string grown line by line (which copies the text over and over).
const CHUNK_BYTES = 4 * MIB
const SPACE = 0x20
const NEWLINE = 0x0a

const DEFAULT_DATA_DIRECTORY = fileURLToPath(new URL('.data/', import.meta.url))
const SOURCE_TEXT = new URL('../examples/data/alice-in-wonderland.txt', import.meta.url)

/**
 * Path of a deterministic English-like text of at least `megabytes` MiB under bench/.data/
 * (git-ignored), generated on first use. The file holds `generateEnglishText(megabytes MiB,
 * ENGLISH_TEXT_SEED)`; its name carries the size and {@link ENGLISH_TEXT_FORMAT_VERSION}, and it is
 * written to a temporary name and renamed, so a run that is interrupted never leaves a short file.
 *
 * @example
 * const path = await ensureEnglishText(50) // .../bench/.data/english-50mb-v1.txt
 */
export async function ensureEnglishText(megabytes: number, directory: string = DEFAULT_DATA_DIRECTORY): Promise<string> {
  if (!Number.isFinite(megabytes) || megabytes <= 0) {
    throw new RangeError(`megabytes must be a positive number of MiB, got ${megabytes}`)
  }
  const bytes = Math.ceil(megabytes * MIB)
  const path = join(directory, `english-${megabytes}mb-v${ENGLISH_TEXT_FORMAT_VERSION}.txt`)
  if (existsSync(path) && statSync(path).size >= bytes) return path

  await mkdir(directory, { recursive: true })
  // A unique suffix keeps two benchmark processes started together from sharing a temp file.
  const temporary = `${path}.${randomUUID()}.tmp`
  process.stderr.write(`generating ${path} (${megabytes} MiB of English-like text)\n`)
  const file = await open(temporary, 'w')
  try {
    for (const chunk of englishTextChunks(bytes, ENGLISH_TEXT_SEED)) await file.write(chunk)
    await file.close()
    await rename(temporary, path)
  } catch (error) {
    await file.close().catch(() => {})
    // Best effort: the error below is what matters, and a leftover .tmp file is never read.
    await rm(temporary, { force: true }).catch(() => {})
    throw error
  }
  return path
}

/**
 * The same generator as a function: `bytes` bytes (cut at the line ending at or after that size)
 * of text for a given seed. Every line is 6–18 ASCII words separated by single spaces and ends in
 * `\n`; the same `bytes` and `seed` give the same string on every machine.
 *
 * @example
 * generateEnglishText(60, 1) // 'So took reading TO that? She back Footman and little when one the the\n'
 */
export function generateEnglishText(bytes: number, seed: number): string {
  const chunks = [...englishTextChunks(bytes, seed)]
  return chunks.map((chunk) => Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString('latin1')).join('')
}

/**
 * The text as ASCII byte chunks of about {@link CHUNK_BYTES}, so a file can be written without
 * holding all of it. The chunking does not change the text: lines are drawn in one sequence and
 * the text stops after the first line that reaches `bytes`.
 */
function* englishTextChunks(bytes: number, seed: number): Generator<Uint8Array> {
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new RangeError(`bytes must be a non-negative integer, got ${bytes}`)
  }
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`)

  const { data, starts, count, longest } = sourceTokens()
  const random = mulberry32(seed)
  const lineSpan = MAX_WORDS_PER_LINE - MIN_WORDS_PER_LINE + 1
  let written = 0
  while (written < bytes) {
    // Room for one more line after the chunk is full.
    const chunk = new Uint8Array(CHUNK_BYTES + MAX_WORDS_PER_LINE * (longest + 1))
    let end = 0
    while (end < CHUNK_BYTES && written + end < bytes) {
      const words = MIN_WORDS_PER_LINE + Math.floor(random() * lineSpan)
      // Copies bytes by hand for speed, about seven times faster over 50 MiB than the plain form:
      //   lines.push(Array.from({ length: words }, () => tokens[Math.floor(random() * count)]).join(' '))
      // A token picked uniformly from the book's token stream is a word drawn with its frequency
      // in the book: no weights table needed.
      for (let word = 0; word < words; word++) {
        if (word > 0) chunk[end++] = SPACE
        const token = Math.floor(random() * count)
        for (let i = starts[token]!, stop = starts[token + 1]!; i < stop; i++) chunk[end++] = data[i]!
      }
      chunk[end++] = NEWLINE
    }
    written += end
    yield chunk.subarray(0, end)
  }
}

interface TokenTable {
  /** Every token's ASCII bytes, back to back in book order. */
  readonly data: Uint8Array
  /** Token `i` is `data[starts[i]]` up to `data[starts[i + 1]]`. */
  readonly starts: Int32Array
  readonly count: number
  /** Length of the longest token, in bytes. */
  readonly longest: number
}

let cachedTokens: TokenTable | undefined

/**
 * Every word of the Alice text in order, as it would appear in running prose: quotes, brackets,
 * underscores and dashes removed, capitals kept, and one trailing `, . ; : ! ?` kept when the
 * word had one. "'Oh, I've had such a curious dream!'" gives `Oh,` `I've` `had` `such` `a`
 * `curious` `dream!`.
 */
function sourceTokens(): TokenTable {
  if (cachedTokens !== undefined) return cachedTokens
  const text = readFileSync(SOURCE_TEXT, 'utf8')
  const tokens: string[] = []
  // "--" joins words in this text ("thing--but"), so it separates as whitespace does.
  for (const piece of text.split(/\s+|--+/)) {
    const match = /^[^A-Za-z]*([A-Za-z]+(?:['-][A-Za-z]+)*)[^A-Za-z,.;:!?]*([,.;:!?])?/.exec(piece)
    if (match === null) continue
    tokens.push(match[1]! + (match[2] ?? ''))
  }
  const starts = new Int32Array(tokens.length + 1)
  let longest = 0
  for (let i = 0; i < tokens.length; i++) {
    const length = tokens[i]!.length
    starts[i + 1] = starts[i]! + length
    longest = Math.max(longest, length)
  }
  // The pattern above admits only ASCII letters and punctuation, so latin1 is one byte a character.
  cachedTokens = { data: Buffer.from(tokens.join(''), 'latin1'), starts, count: tokens.length, longest }
  return cachedTokens
}

/** mulberry32 (Tommy Ettinger's 32-bit generator): tiny, fast, and spread well enough for sampling words. */
function mulberry32(seed: number): () => number {
  let state = seed | 0
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
