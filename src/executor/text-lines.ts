import { closeSync, openSync, readSync } from 'node:fs'

const CHUNK_BYTES = 4 * 1024 * 1024
const PROBE_BYTES = 64 * 1024
const NEWLINE = 0x0a

/**
 * Pushes the lines of the split [start, end) of a file to `sink`, as
 * Hadoop's LineRecordReader reads them: a split that does not start the
 * file skips the line holding its first byte, and every split reads on
 * through the line holding byte `end`. So neighbouring splits tile the file
 * with no line lost or read twice, and a line that starts exactly at a
 * boundary belongs to the earlier split. Lines end at `\n`; a trailing `\r`
 * is dropped. The file is read in chunks cut at newlines, which never fall
 * inside a UTF-8 sequence, so decoding is exact.
 */
export function readLines(path: string, start: number, end: number, sink: (line: string) => void): number {
  const fd = openSync(path, 'r')
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES)
    const from = pastNewlineFrom(fd, buffer, start)
    const to = pastNewlineFrom(fd, buffer, end)
    return pushLines(fd, buffer, from, to, sink)
  } finally {
    closeSync(fd)
  }
}

/** Where a split boundary at `offset` cuts the lines: just past the first newline at or after `offset` (the file's end when there is none); 0 stays 0. */
function pastNewlineFrom(fd: number, buffer: Buffer, offset: number): number {
  if (offset === 0) return 0
  let position = offset
  for (;;) {
    const read = readSync(fd, buffer, 0, PROBE_BYTES, position)
    if (read === 0) return position
    const newline = buffer.indexOf(NEWLINE, 0)
    if (newline !== -1 && newline < read) return position + newline + 1
    position += read
  }
}

function pushLines(fd: number, buffer: Buffer, from: number, to: number, sink: (line: string) => void): number {
  let count = 0
  let carry: Buffer[] = []
  let position = from
  while (position < to) {
    const read = readSync(fd, buffer, 0, Math.min(buffer.length, to - position), position)
    if (read === 0) break
    position += read
    const atEnd = position >= to
    const cut = atEnd ? read : buffer.lastIndexOf(NEWLINE, read - 1) + 1
    if (cut === 0) {
      // A line longer than the chunk: keep its bytes until its end arrives.
      carry.push(Buffer.from(buffer.subarray(0, read)))
      continue
    }
    const bytes = carry.length === 0 ? buffer.subarray(0, cut) : Buffer.concat([...carry, buffer.subarray(0, cut)])
    carry = cut < read ? [Buffer.from(buffer.subarray(cut, read))] : []
    count += pushText(bytes.toString('utf8'), sink)
  }
  if (carry.length > 0) count += pushText(Buffer.concat(carry).toString('utf8'), sink)
  return count
}

/** Pushes the lines of `text`; a final `\n` ends the last line rather than starting an empty one. */
function pushText(text: string, sink: (line: string) => void): number {
  const lines = text.split('\n')
  const last = lines.length - 1
  const count = lines[last] === '' ? last : lines.length
  for (let i = 0; i < count; i++) {
    const line = lines[i] as string
    sink(line.endsWith('\r') ? line.slice(0, -1) : line)
  }
  return count
}

/** Pushes the lines of UTF-8 text made of whole lines (a receiver's text block); returns how many. */
export function readTextLines(bytes: Uint8Array, sink: (line: string) => void): number {
  return pushText(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), sink)
}

/** The lines of UTF-8 text made of whole lines, as strings. */
export function splitTextLines(bytes: Uint8Array): string[] {
  const lines: string[] = []
  readTextLines(bytes, (line) => lines.push(line))
  return lines
}
