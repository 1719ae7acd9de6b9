import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { SparkConf, SparkContext } from '../../src/index.js'
import { hadoopPartitions } from '../support/hadoop-lines.js'
import { SeededRandom } from '../support/random.js'

let sc: SparkContext
let scratch: string

beforeAll(() => {
  sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('rdd-text-file'))
  scratch = mkdtempSync(join(tmpdir(), 'sluice-rdd-text-file-'))
})

afterAll(async () => {
  try {
    await sc.stop()
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
})

const PIECES = ['a', 'word', 'Ärger', '日本語', '🙂', ' ', 'xyz', 'ünïcödé', '']

/** Random lines: empty ones, long ones, and characters of one to four UTF-8 bytes. */
function randomLines(count: number, seed: number): string[] {
  const random = new SeededRandom(seed)
  return Array.from({ length: count }, () => {
    const words = random.next() < 0.15 ? 0 : random.int(1, 12)
    return Array.from({ length: words }, () => random.pick(PIECES)).join(random.pick([' ', '', '-']))
  })
}

let nextFile = 0
function writeFile(content: string | Buffer): string {
  const path = join(scratch, `file-${nextFile++}.txt`)
  writeFileSync(path, content)
  return path
}

describe('textFile', () => {
  const lines = randomLines(300, 400)
  const text = `${lines.join('\n')}\n`

  it('reads every line once, in order, for many partition counts', async () => {
    const path = writeFile(text)
    for (let minPartitions = 1; minPartitions <= 40; minPartitions++) {
      const rdd = sc.textFile(path, minPartitions)

      expect(await rdd.collect()).toEqual(lines)
      expect(rdd.getNumPartitions()).toBeGreaterThanOrEqual(minPartitions)
    }
  })

  it("assigns lines to partitions as Hadoop's LineRecordReader does", async () => {
    const path = writeFile(text)
    for (const minPartitions of [1, 2, 3, 5, 8, 13, 29, 64, 200]) {
      expect(await sc.textFile(path, minPartitions).glom().collect()).toEqual(hadoopPartitions([Buffer.from(text)], minPartitions))
    }
  })

  it('gives a line that starts exactly at a split boundary to the earlier split, as Hadoop does', async () => {
    // 4 bytes in 2 splits of 2: "b" starts at byte 2, where the second split begins.
    const path = writeFile('a\nb\n')

    expect(await sc.textFile(path, 2).glom().collect()).toEqual([['a', 'b'], []])
  })

  it('splits lines ending in \\r\\n, at any split boundary, without the \\r', async () => {
    const path = writeFile(`${lines.join('\r\n')}\r\n`)
    for (const minPartitions of [1, 2, 3, 7, 16, 50, 333]) {
      const rdd = sc.textFile(path, minPartitions)

      expect(await rdd.collect()).toEqual(lines)
      expect(await rdd.glom().collect()).toEqual(hadoopPartitions([Buffer.from(`${lines.join('\r\n')}\r\n`)], minPartitions))
    }
  })

  it('reads a last line that has no newline', async () => {
    const path = writeFile(lines.join('\n'))
    for (const minPartitions of [1, 4, 9, 31]) expect(await sc.textFile(path, minPartitions).collect()).toEqual(lines)
    expect(await sc.textFile(writeFile('only line'), 3).collect()).toEqual(['only line'])
  })

  it('keeps empty lines, leading and trailing ones included', async () => {
    const path = writeFile('\n\na\n\n\nb\n\n')

    for (const minPartitions of [1, 2, 3, 5, 9]) expect(await sc.textFile(path, minPartitions).collect()).toEqual(['', '', 'a', '', '', 'b', ''])
    expect(await sc.textFile(writeFile('\n'), 1).collect()).toEqual([''])
  })

  it('keeps multi-byte characters whole when a split boundary falls inside one', async () => {
    const wide = Array.from({ length: 60 }, (_, i) => '日本語🙂'.repeat((i % 5) + 1))
    const path = writeFile(`${wide.join('\n')}\n`)

    for (let minPartitions = 1; minPartitions <= 60; minPartitions += 3) {
      expect(await sc.textFile(path, minPartitions).collect()).toEqual(wide)
    }
  })

  it('reads lines longer than its read buffers, wherever the splits fall', async () => {
    // One line longer than the 4 MiB read chunk, and lines longer than the 64 KiB probe for a split's first line.
    const long = [
      'a'.repeat(5 * 1024 * 1024),
      'short',
      ...Array.from({ length: 12 }, (_, i) => String.fromCharCode(98 + i).repeat(100_000 + i)),
      '',
      '日本'.repeat(50_000),
    ]
    const content = Buffer.from(long.join('\n'))
    const path = writeFile(content)

    for (const minPartitions of [1, 2, 7, 40]) {
      const parts = await sc.textFile(path, minPartitions).glom().collect()

      expect(parts.flat()).toEqual(long)
      expect(parts.map((part) => part.map((line) => line.length))).toEqual(hadoopPartitions([content], minPartitions).map((part) => part.map((line) => line.length)))
    }
  })

  it('reads an empty file as one empty partition', async () => {
    const rdd = sc.textFile(writeFile(''), 4)

    expect(rdd.getNumPartitions()).toBe(1)
    expect(await rdd.collect()).toEqual([])
    expect(await rdd.count()).toBe(0)
  })

  it('reads the files of a directory in name order, skipping hidden files and _SUCCESS', async () => {
    const directory = join(scratch, 'directory')
    mkdirSync(directory)
    writeFileSync(join(directory, 'b.txt'), 'b1\nb2\n')
    writeFileSync(join(directory, 'a.txt'), 'a1\na2')
    writeFileSync(join(directory, 'c.txt'), '')
    writeFileSync(join(directory, '_SUCCESS'), '')
    writeFileSync(join(directory, '.hidden'), 'secret\n')

    const rdd = sc.textFile(directory, 3)

    expect(await rdd.collect()).toEqual(['a1', 'a2', 'b1', 'b2'])
    expect(await rdd.glom().collect()).toEqual(
      hadoopPartitions([Buffer.from('a1\na2'), Buffer.from('b1\nb2\n'), Buffer.from('')], 3),
    )
  })

  it('reads a comma-separated list of paths and globs', async () => {
    const first = writeFile('one\ntwo\n')
    const second = writeFile('three\n')
    const globbed = join(scratch, 'glob')
    mkdirSync(globbed)
    writeFileSync(join(globbed, 'x-1.log'), 'x1\n')
    writeFileSync(join(globbed, 'x-2.log'), 'x2\n')
    writeFileSync(join(globbed, 'y.txt'), 'y\n')

    expect(await sc.textFile(`${first},${second}`).collect()).toEqual(['one', 'two', 'three'])
    expect(await sc.textFile(join(globbed, 'x-*.log')).collect()).toEqual(['x1', 'x2'])
  })

  it('fails clearly for a path that does not exist', () => {
    expect(() => sc.textFile(join(scratch, 'missing.txt')).getNumPartitions()).toThrow(/Input path does not exist: .*missing.txt/)
  })

  it('composes with transformations: a word count of the file', async () => {
    const path = writeFile(text)
    const counts = await sc
      .textFile(path, 5)
      .flatMap((line) => line.split(' '))
      .filter((word) => word !== '')
      .map((word) => [word, 1] as [string, number])
      .reduceByKey((a, b) => a + b)
      .collectAsMap()
    const expected = new Map<string, number>()
    for (const word of lines.flatMap((line) => line.split(' ')).filter((word) => word !== '')) expected.set(word, (expected.get(word) ?? 0) + 1)

    expect(new Map([...counts].sort())).toEqual(new Map([...expected].sort()))
  })
})
