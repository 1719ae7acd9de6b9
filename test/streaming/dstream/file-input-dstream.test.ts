import { appendFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { type DStream, ManualClock, Seconds, SluiceError, SparkConf, SparkContext, StreamingContext } from '../../../src/index.js'
import { FileInputDStream, type FileStreamOptions } from '../../../src/streaming/dstream/internal.js'
import { captureLog } from '../../support/log-capture.js'
import { rejectionOf } from '../../support/rejection.js'

let sc: SparkContext
let scratch: string

beforeAll(() => {
  sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('file-input-dstream'))
  scratch = mkdtempSync(join(tmpdir(), 'sluice-file-input-dstream-'))
})

afterAll(async () => {
  try {
    await sc.stop()
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
})

let nextName = 0

/** A context on a ManualClock reading a fresh directory under `scratch`, each batch's lines collected in `out`. */
interface FileStreamRun {
  readonly directory: string
  readonly clock: ManualClock
  readonly ssc: StreamingContext
  readonly stream: FileInputDStream
  readonly out: string[][]
}

interface RunOptions {
  readonly batchMs?: number
  readonly startMs?: number
  readonly options?: FileStreamOptions
  /** False leaves the directory missing at start. */
  readonly createDirectory?: boolean
  /** Puts files in the directory before start(). */
  readonly before?: (directory: string) => void
  /** Adds more output operations on the stream before start(). */
  readonly define?: (stream: DStream<string>) => void
}

async function withFileStream(run: RunOptions, body: (run: FileStreamRun) => Promise<void>): Promise<void> {
  const directory = join(scratch, `watched-${nextName++}`)
  if (run.createDirectory !== false) mkdirSync(directory)
  run.before?.(directory)
  const clock = new ManualClock(run.startMs ?? 0)
  const ssc = new StreamingContext(sc, run.batchMs ?? 1000, { clock })
  const out: string[][] = []
  const stream = ssc.textFileStream(directory, run.options)
  stream.foreachRDD(async (rdd) => {
    out.push(await rdd.collect())
  })
  run.define?.(stream)
  try {
    await ssc.start()
    await body({ directory, clock, ssc, stream: asFileStream(stream), out })
  } finally {
    await ssc.stop(false)
  }
}

function asFileStream(stream: DStream<string>): FileInputDStream {
  if (!(stream instanceof FileInputDStream)) throw new Error(`textFileStream returned ${stream}, not a FileInputDStream`)
  return stream
}

/** Writes `lines` elsewhere, sets the file's mtime, then renames it into `directory`: an atomic move, as writers must do. */
function moveIn(directory: string, name: string, lines: readonly string[], mtimeMs: number): string {
  const staging = join(scratch, `staging-${nextName++}`)
  writeFileSync(staging, lines.map((line) => `${line}\n`).join(''))
  setMtime(staging, mtimeMs)
  const target = join(directory, name)
  renameSync(staging, target)
  return target
}

function setMtime(path: string, mtimeMs: number): void {
  utimesSync(path, new Date(mtimeMs), new Date(mtimeMs))
}

describe('FileInputDStream', () => {
  it('reads each file moved in once, in the batch whose interval holds its modification time', async () => {
    await withFileStream({}, async ({ directory, clock, out }) => {
      moveIn(directory, 'a.txt', ['one', '', 'zwei drei', 'Ärger 日本語 🙂'], 500)
      await clock.advance(Seconds(1))
      moveIn(directory, 'b.txt', ['b1', 'b2', 'b3'], 2000)
      await clock.advance(Seconds(1))
      moveIn(directory, 'c.txt', ['c1'], 2900)
      moveIn(directory, 'd.txt', ['d1', 'd2'], 2300)
      await clock.advance(Seconds(1))
      await clock.advance(Seconds(1))

      expect(out).toEqual([['one', '', 'zwei drei', 'Ärger 日本語 🙂'], ['b1', 'b2', 'b3'], ['d1', 'd2', 'c1'], []])
    })
  })

  it('reads a large file moved in atomically whole, across several partitions', async () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 37)}`)
    const counts: number[] = []
    const partitions: number[] = []
    const define = (stream: DStream<string>): void => {
      stream.foreachRDD((rdd) => void partitions.push(rdd.getNumPartitions()))
      stream.count().foreachRDD(async (rdd) => {
        counts.push(...(await rdd.collect()))
      })
    }
    await withFileStream({ define }, async ({ directory, clock, out }) => {
      moveIn(directory, 'big.txt', lines, 900)
      await clock.advance(Seconds(1))
      await clock.advance(Seconds(1))

      expect(counts).toEqual([100_000, 0])
      expect(partitions[0]).toBeGreaterThan(1)
      expect(out[0]).toEqual(lines)
      expect(out[1]).toEqual([])
    })
  })

  it('ignores files whose names start with . or _, and subdirectories', async () => {
    await withFileStream({}, async ({ directory, clock, out }) => {
      moveIn(directory, '.hidden.txt', ['hidden'], 500)
      moveIn(directory, '_SUCCESS', ['success'], 500)
      moveIn(directory, '_tmp.txt', ['tmp'], 500)
      mkdirSync(join(directory, 'sub'))
      moveIn(join(directory, 'sub'), 'inner.txt', ['inner'], 500)
      setMtime(join(directory, 'sub'), 500)
      moveIn(directory, 'visible.txt', ['visible'], 500)
      await clock.advance(Seconds(1))
      await clock.advance(Seconds(1))

      expect(out).toEqual([['visible'], []])
    })
  })

  it('does not read a file again after it is modified, even once its batch has left the remember window', async () => {
    // 10 s batches: the 60 s remember window is 6 batches.
    await withFileStream({ batchMs: 10_000 }, async ({ directory, clock, out, stream }) => {
      const path = moveIn(directory, 'a.txt', ['first'], 5000)
      await clock.advance(Seconds(10))
      appendFileSync(path, 'appended soon after\n')
      setMtime(path, 15_000)
      for (let t = 20_000; t <= 60_000; t += 10_000) await clock.advance(Seconds(10))
      // Modified again while the batch that read it is at the edge of the window:
      // Spark would read it again at 90 s, once that batch is forgotten.
      appendFileSync(path, 'appended late\n')
      setMtime(path, 65_000)
      for (let t = 70_000; t <= 140_000; t += 10_000) await clock.advance(Seconds(10))

      expect(out).toEqual([['first'], ...Array.from({ length: 13 }, () => [])])
      expect(stream.rememberedFiles.size).toBe(0)
    })
  })

  it('forgets the files of batches that have left the remember window', async () => {
    await withFileStream({ batchMs: 10_000 }, async ({ directory, clock, stream }) => {
      const a = moveIn(directory, 'a.txt', ['a'], 5000)
      await clock.advance(Seconds(10))
      const b = moveIn(directory, 'b.txt', ['b'], 15_000)
      await clock.advance(Seconds(10))
      expect([...stream.rememberedFiles]).toEqual([
        [a, 10_000],
        [b, 20_000],
      ])

      // At 70 s the window starts at 10 s: the batch at 10 s is out, the one at 20 s still in.
      for (let t = 30_000; t <= 70_000; t += 10_000) await clock.advance(Seconds(10))
      expect([...stream.rememberedFiles]).toEqual([[b, 20_000]])
      await clock.advance(Seconds(10))
      expect(stream.rememberedFiles.size).toBe(0)
    })
  })

  it('leaves a file whose modification time is after the batch time to the next batch', async () => {
    await withFileStream({}, async ({ directory, clock, out }) => {
      moveIn(directory, 'early.txt', ['at 1000'], 1000)
      moveIn(directory, 'late.txt', ['written while batch 1000 was generated'], 1500)
      await clock.advance(Seconds(1))
      await clock.advance(Seconds(1))

      expect(out).toEqual([['at 1000'], ['written while batch 1000 was generated']])
    })
  })

  it('reads in the next batch a file moved in after its batch ran, with a modification time inside the interval of a batch already done', async () => {
    await withFileStream({}, async ({ directory, clock, out }) => {
      await clock.advance(Seconds(1))
      await clock.advance(Seconds(1))
      // Written at 1.8 s, moved in (mtime kept) after the batch at 2 s had listed the directory.
      moveIn(directory, 'moved.txt', ['moved'], 1800)
      await clock.advance(Seconds(1))
      await clock.advance(Seconds(1))

      expect(out).toEqual([[], [], ['moved'], []])
    })
  })

  it('skips the files already there at start when newFilesOnly is true (the default)', async () => {
    // Starts at 5.5 s: the first batch is at 6 s and its interval starts at 5 s, before the start.
    await withFileStream(
      {
        startMs: 5500,
        before: (directory) => {
          moveIn(directory, 'old.txt', ['old'], 4000)
          moveIn(directory, 'there-at-start.txt', ['there at start'], 5200)
        },
      },
      async ({ directory, clock, out }) => {
        moveIn(directory, 'new.txt', ['new'], 5700)
        await clock.advance(Seconds(1))
        await clock.advance(Seconds(1))

        expect(out).toEqual([['new'], []])
      },
    )
  })

  it('reads every file already there at start, however old, when newFilesOnly is false', async () => {
    await withFileStream(
      {
        startMs: 200_000,
        options: { newFilesOnly: false },
        before: (directory) => {
          moveIn(directory, 'ancient.txt', ['ancient'], 1000)
          moveIn(directory, 'recent.txt', ['recent'], 199_000)
        },
      },
      async ({ directory, clock, out }) => {
        await clock.advance(Seconds(1))
        // After the first batch, files older than the remember window are taken as read, as in Spark.
        moveIn(directory, 'ancient-moved-later.txt', ['ancient, moved in later'], 1000)
        moveIn(directory, 'new.txt', ['new'], 201_500)
        await clock.advance(Seconds(1))
        await clock.advance(Seconds(1))

        expect(out).toEqual([['ancient', 'recent'], ['new'], []])
      },
    )
  })

  it('reads only the files the filter accepts, asking it with absolute paths', async () => {
    const asked: string[] = []
    const filter = (path: string): boolean => {
      asked.push(path)
      return path.endsWith('.log')
    }
    await withFileStream({ options: { filter } }, async ({ directory, clock, out }) => {
      moveIn(directory, 'a.log', ['a log'], 500)
      moveIn(directory, 'b.txt', ['b text'], 500)
      moveIn(directory, '.c.log', ['hidden log'], 500)
      await clock.advance(Seconds(1))

      expect(out).toEqual([['a log']])
      expect([...new Set(asked)].sort()).toEqual([join(directory, 'a.log'), join(directory, 'b.txt')])
    })
  })

  it('gives an empty batch for each interval in which no file appeared', async () => {
    await withFileStream({}, async ({ clock, out }) => {
      await clock.advance(Seconds(1))
      await clock.advance(Seconds(1))
      await clock.advance(Seconds(1))

      expect(out).toEqual([[], [], []])
    })
  })

  it('reports a missing directory for each batch without stopping, and reads it once it exists', async () => {
    const log = captureLog()
    try {
      await withFileStream({ createDirectory: false }, async ({ directory, clock, ssc, out }) => {
        const error = await rejectionOf<SluiceError>(clock.advance(Seconds(1)))
        expect(error).toBeInstanceOf(SluiceError)
        expect(error.message).toBe(
          `Directory ${directory} of textFileStream does not exist at batch 1000 ms; create it (mkdir -p ${directory}), the stream reads it from the next batch on`,
        )
        expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOENT')
        expect(await rejectionOf(ssc.awaitTermination())).toBe(error)
        expect(ssc.getState()).toBe('ACTIVE')
        const again = await rejectionOf<SluiceError>(clock.advance(Seconds(1)))
        expect(again.message).toMatch(/does not exist at batch 2000 ms/)

        mkdirSync(directory)
        moveIn(directory, 'a.txt', ['arrived'], 2500)
        await clock.advance(Seconds(1))

        expect(out).toEqual([[], [], ['arrived']])
        expect(log.at('ERROR')).toEqual([
          expect.stringContaining(`SluiceError: Directory ${directory} of textFileStream does not exist at batch 1000 ms`),
          expect.stringContaining(`SluiceError: Directory ${directory} of textFileStream does not exist at batch 2000 ms`),
        ])
      })
    } finally {
      log.restore()
    }
  })

  it('reads a file whose name has glob characters as that file only', async () => {
    await withFileStream({}, async ({ directory, clock, out }) => {
      moveIn(directory, 'data[1].txt', ['bracketed'], 400)
      moveIn(directory, 'data1.txt', ['plain'], 500)
      moveIn(directory, 'what?(x)*.txt', ['starred'], 600)
      await clock.advance(Seconds(1))

      expect(out).toEqual([['bracketed', 'plain', 'starred']])
    })
  })

  it('reads files whose names have commas or spaces at either end as those files', async () => {
    await withFileStream({}, async ({ directory, clock, out }) => {
      moveIn(directory, 'a,b.txt', ['comma'], 400)
      moveIn(directory, ' padded .txt', ['padded'], 500)
      await clock.advance(Seconds(1))

      expect(out).toEqual([['comma', 'padded']])
    })
  })

  it('rejects a directory that is not a non-empty string and options of the wrong type, adding no stream', async () => {
    const ssc = new StreamingContext(sc, 1000, { clock: new ManualClock() })
    try {
      expect(() => ssc.textFileStream('')).toThrow(new TypeError('textFileStream needs a directory path, got ""'))
      expect(() => ssc.textFileStream(scratch, { filter: '*.txt' as unknown as (path: string) => boolean })).toThrow(
        new TypeError('options.filter of textFileStream must be a function (path) => boolean, got string'),
      )
      expect(() => ssc.textFileStream(scratch, { newFilesOnly: 'yes' as unknown as boolean })).toThrow(
        new TypeError('options.newFilesOnly of textFileStream must be a boolean, got string'),
      )
      expect(ssc.graph.inputStreams).toEqual([])
    } finally {
      await ssc.stop(false)
    }
  })
})
