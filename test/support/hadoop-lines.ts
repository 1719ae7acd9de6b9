/**
 * A reference for `sc.textFile`: how Hadoop's FileInputFormat cuts files into
 * splits and how its LineRecordReader assigns lines to them. A split
 * [start, end) skips the line that holds `start` (unless start is 0; the
 * previous split reads it) and reads every line that starts at or before
 * `end`, so a line beginning exactly at a boundary belongs to the earlier
 * split. Lines end at `\n`, and a `\r` before it is dropped.
 */
const BLOCK_BYTES = 32 * 1024 * 1024
const SPLIT_SLOP = 1.1
const NEWLINE = 0x0a

/** The lines of each split of the files, in order: what `textFile(...).glom().collect()` returns in Spark. */
export function hadoopPartitions(files: readonly Buffer[], minPartitions: number): string[][] {
  const total = files.reduce((sum, file) => sum + file.length, 0)
  const splitBytes = Math.max(1, Math.min(Math.floor(total / minPartitions), BLOCK_BYTES))
  const partitions: string[][] = []
  for (const file of files) {
    let start = 0
    while ((file.length - start) / splitBytes > SPLIT_SLOP) {
      partitions.push(splitLines(file, start, start + splitBytes))
      start += splitBytes
    }
    if (file.length - start > 0 || file.length === 0) partitions.push(splitLines(file, start, file.length))
  }
  return partitions
}

function splitLines(file: Buffer, start: number, end: number): string[] {
  let position = start
  if (start !== 0) position = nextLineStart(file, start)
  const lines: string[] = []
  while (position <= end && position < file.length) {
    const next = nextLineStart(file, position)
    const line = file.subarray(position, next).toString('utf8')
    lines.push(line.replace(/\r?\n$/, ''))
    position = next
  }
  return lines
}

/** The offset just past the first newline at or after `from`, or the file's length. */
function nextLineStart(file: Buffer, from: number): number {
  const newline = file.indexOf(NEWLINE, from)
  return newline === -1 ? file.length : newline + 1
}
