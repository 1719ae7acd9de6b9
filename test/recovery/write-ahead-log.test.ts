import { readFileSync } from 'node:fs'
import { open, readFile, readdir, stat, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { CheckpointError, IllegalStateError } from '../../src/common/errors.js'
import { type WalPosition, WriteAheadLog } from '../../src/recovery/write-ahead-log.js'
import { decode, encodeShared } from '../../src/serde/codec.js'
import { RECORD_HEADER_BYTES, SEGMENT_HEADER_BYTES, WAL_FORMAT_VERSION } from '../../src/recovery/write-ahead-log-format.js'
import { type LogCapture, captureLog } from '../support/log-capture.js'
import { rejectionOf } from '../support/rejection.js'
import { flipByte, useTempDirectories } from './temp-directory.js'

const tempDirectory = useTempDirectories()
let log: LogCapture
const logs: WriteAheadLog[] = []

beforeEach(() => {
  log = captureLog()
})
afterEach(async () => {
  log.restore()
  await Promise.all(logs.splice(0).map((wal) => wal.close()))
})

async function newLog(options: ConstructorParameters<typeof WriteAheadLog>[1] = {}): Promise<WriteAheadLog> {
  const wal = new WriteAheadLog(join(await tempDirectory(), 'receivedData', '0'), options)
  logs.push(wal)
  return wal
}

function reopen(wal: WriteAheadLog): WriteAheadLog {
  const again = new WriteAheadLog(wal.directory)
  logs.push(again)
  return again
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString()
const record = (i: number) => Buffer.from(`block ${i} `.repeat(i + 1))

async function segments(wal: WriteAheadLog): Promise<string[]> {
  return (await readdir(wal.directory)).sort()
}

describe('WriteAheadLog', () => {
  it('reads back each record at the position its write resolved with, and all of them in order', async () => {
    const wal = await newLog()
    const positions: WalPosition[] = []
    for (let i = 0; i < 5; i++) positions.push(await wal.write(record(i), 1000 + i))
    expect(positions[0]).toEqual({ segment: 'log-0000000001-1000-61000', offset: SEGMENT_HEADER_BYTES, length: record(0).byteLength })
    expect(positions[1]?.offset).toBe(SEGMENT_HEADER_BYTES + RECORD_HEADER_BYTES + record(0).byteLength)
    for (let i = 0; i < 5; i++) expect(text(await wal.read(positions[i] as WalPosition))).toBe(record(i).toString())

    const all = await reopen(wal).readAll()
    expect(all.map((entry) => text(entry.bytes))).toEqual([0, 1, 2, 3, 4].map((i) => record(i).toString()))
    expect(all.map((entry) => entry.position)).toEqual(positions)
    expect((await stat(wal.directory)).mode & 0o777).toBe(0o700)
    expect((await stat(join(wal.directory, positions[0]?.segment as string))).mode & 0o777).toBe(0o600)
  })

  it('copies the bytes at write, so the caller may reuse its buffer', async () => {
    const wal = await newLog()
    const buffer = Buffer.from('first')
    const written = wal.write(buffer, 1)
    buffer.write('XXXXX')
    expect(text(await wal.read(await written))).toBe('first')
  })

  it('takes bytes that live in a SharedArrayBuffer', async () => {
    const wal = await newLog()
    const block = encodeShared(['line one', 'line two'])
    expect(decode(await wal.read(await wal.write(block, 1)))).toEqual(['line one', 'line two'])
  })

  it('syncs writes made together once and resolves them in order, each complete on disk when it resolves', async () => {
    const wal = await newLog()
    await wal.write(Buffer.from('warm-up'), 1)
    const probe = await open(join(wal.directory, 'probe'), 'w')
    const prototype = Object.getPrototypeOf(probe) as { datasync(): Promise<void> }
    await probe.close()
    const spy = vi.spyOn(prototype, 'datasync')
    const resolved: number[] = []
    try {
      const writes = Array.from({ length: 50 }, (_, i) =>
        wal.write(record(i), 2).then((position) => {
          // Synchronously, before anything else runs: the record is already in the file.
          const segment = readFileSync(join(wal.directory, position.segment))
          expect(segment.subarray(position.offset + RECORD_HEADER_BYTES, position.offset + RECORD_HEADER_BYTES + position.length)).toEqual(record(i))
          resolved.push(i)
          return position
        }),
      )
      const positions = await Promise.all(writes)
      expect(resolved).toEqual(Array.from({ length: 50 }, (_, i) => i))
      expect(new Set(positions.map((position) => position.segment)).size).toBe(1)
      expect(positions.map((position) => position.offset)).toEqual([...positions.map((position) => position.offset)].sort((a, b) => a - b))
      expect(spy.mock.calls.length).toBeLessThanOrEqual(2)
    } finally {
      spy.mockRestore()
    }
  })

  it('does not resolve a write before its record is synced', async () => {
    const wal = await newLog()
    await wal.write(Buffer.from('warm-up'), 1)
    const probe = await open(join(wal.directory, 'probe'), 'w')
    const prototype = Object.getPrototypeOf(probe) as { datasync(): Promise<void> }
    await probe.close()
    const originalDatasync = prototype.datasync
    let release = () => {}
    const gate = new Promise<void>((resolve) => { release = resolve })
    const spy = vi.spyOn(prototype, 'datasync').mockImplementation(async function (this: unknown) {
      await gate
      return originalDatasync.call(this)
    })
    try {
      let done = false
      const write = wal.write(Buffer.from('durable'), 2).then(() => { done = true })
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(done).toBe(false)
      release()
      await write
      expect(done).toBe(true)
    } finally {
      spy.mockRestore()
    }
  })

  it('starts a new segment when the current one would grow past maxSegmentBytes', async () => {
    const wal = await newLog({ maxSegmentBytes: 100 })
    const positions = []
    for (let i = 0; i < 6; i++) positions.push(await wal.write(Buffer.alloc(30, i), 5))
    // 8-byte header + two 42-byte records fill 92 bytes; the third starts a new segment.
    expect(positions.map((position) => [position.segment.slice(0, 14), position.offset])).toEqual([
      ['log-0000000001', 8], ['log-0000000001', 50], ['log-0000000002', 8], ['log-0000000002', 50], ['log-0000000003', 8], ['log-0000000003', 50],
    ])
    const large = await wal.write(Buffer.alloc(500), 5)
    expect([large.segment.slice(0, 14), large.offset]).toEqual(['log-0000000004', 8])
    expect((await reopen(wal).readAll()).map((entry) => entry.bytes.byteLength)).toEqual([30, 30, 30, 30, 30, 30, 500])
  })

  it('starts a new segment when a record comes rollingIntervalMs after the segment started, also when queued together', async () => {
    const wal = await newLog({ rollingIntervalMs: 1000 })
    const positions = await Promise.all([wal.write(record(0), 0), wal.write(record(1), 999), wal.write(record(2), 1000), wal.write(record(3), 1500)])
    expect(positions.map((position) => position.segment)).toEqual(['log-0000000001-0-1000', 'log-0000000001-0-1000', 'log-0000000002-1000-2000', 'log-0000000002-1000-2000'])
  })

  it('never appends to a segment of an earlier run', async () => {
    const wal = await newLog()
    await wal.write(record(0), 10)
    await wal.close()
    const again = reopen(wal)
    expect((await again.write(record(1), 11)).segment).toBe('log-0000000002-11-60011')
    expect((await again.readAll()).map((entry) => text(entry.bytes))).toEqual([record(0).toString(), record(1).toString()])
  })

  it('skips a torn last record and keeps the records before it and in later segments', async () => {
    const wal = await newLog({ rollingIntervalMs: 100 })
    const first = [await wal.write(record(0), 0), await wal.write(record(1), 1), await wal.write(record(2), 2)]
    await wal.write(record(3), 500)
    const last = first[2] as WalPosition
    await truncate(join(wal.directory, last.segment), last.offset + RECORD_HEADER_BYTES + 3)

    const all = await reopen(wal).readAll()
    expect(all.map((entry) => text(entry.bytes))).toEqual([record(0), record(1), record(3)].map(String))
    expect(log.at('WARN')).toEqual([])
  })

  it('logs the torn record it skipped at INFO', async () => {
    const wal = await newLog()
    await wal.write(record(0), 0)
    const torn = await wal.write(record(1), 1)
    const path = join(wal.directory, torn.segment)
    await truncate(path, torn.offset + 5)
    const { logger } = await import('../../src/common/logger.js')
    logger.setLevel('INFO')
    try {
      expect((await reopen(wal).readAll()).map((entry) => text(entry.bytes))).toEqual([record(0).toString()])
    } finally {
      logger.setLevel('WARN')
    }
    expect(log.at('INFO')).toContain(`INFO WriteAheadLog: Skipped a torn record at byte ${torn.offset} of ${path} (a write cut short by a crash): the record header is cut at byte 5 of 12`)
  })

  it('skips a segment whose header was cut short by a crash', async () => {
    const wal = await newLog()
    await wal.write(record(0), 0)
    await writeFile(join(wal.directory, 'log-0000000002-5-60005'), Buffer.from('SLW'))
    await writeFile(join(wal.directory, 'log-0000000003-6-60006'), Buffer.alloc(0))
    const again = reopen(wal)
    expect((await again.readAll()).map((entry) => text(entry.bytes))).toEqual([record(0).toString()])
    expect((await again.write(record(1), 7)).segment).toBe('log-0000000004-7-60007')
  })

  it('treats a zero-filled tail (size grown, data never written) as torn', async () => {
    const wal = await newLog()
    const position = await wal.write(record(0), 0)
    const path = join(wal.directory, position.segment)
    await writeFile(path, Buffer.concat([await readFile(path), Buffer.alloc(4096)]))
    expect((await reopen(wal).readAll()).map((entry) => text(entry.bytes))).toEqual([record(0).toString()])
    expect(log.at('WARN')).toEqual([])
  })

  it('stops a segment at a corrupt record with a warning, keeping the records before it and reading the next segments', async () => {
    const wal = await newLog({ rollingIntervalMs: 100 })
    const positions = [await wal.write(record(0), 0), await wal.write(record(1), 1), await wal.write(record(2), 2), await wal.write(record(3), 200)]
    const middle = positions[1] as WalPosition
    const path = join(wal.directory, middle.segment)
    await writeFile(path, flipByte(await readFile(path), middle.offset + RECORD_HEADER_BYTES + 2))

    const all = await reopen(wal).readAll()
    expect(all.map((entry) => text(entry.bytes))).toEqual([record(0), record(3)].map(String))
    const size = (await stat(path)).size
    expect(log.at('WARN')).toEqual([
      expect.stringMatching(
        new RegExp(`^WARN WriteAheadLog: Stopped reading ${path} at byte ${middle.offset}: checksum mismatch \\(CRC-32 of its ${middle.length}-byte payload is [0-9a-f]{8}, the record header says [0-9a-f]{8}\\); kept the 1 records before it, skipped the last ${size - middle.offset} bytes$`),
      ),
    ])
    const error = await rejectionOf<CheckpointError>(wal.read(middle))
    expect(error).toBeInstanceOf(CheckpointError)
    expect(error.message).toMatch(new RegExp(`^The write-ahead log record at byte ${middle.offset} of ${path} cannot be read: checksum mismatch`))
  })

  it('detects a damaged record header as corruption', async () => {
    const wal = await newLog()
    const positions = [await wal.write(record(0), 0), await wal.write(record(1), 1)]
    const path = join(wal.directory, positions[1]?.segment as string)
    await writeFile(path, flipByte(await readFile(path), (positions[1] as WalPosition).offset + 1))
    expect((await reopen(wal).readAll()).map((entry) => text(entry.bytes))).toEqual([record(0).toString()])
    expect(log.at('WARN')[0]).toMatch(/record header checksum mismatch/)
  })

  it('refuses a segment from a newer sluice and a file that is not a segment', async () => {
    const wal = await newLog()
    const position = await wal.write(record(0), 0)
    const path = join(wal.directory, position.segment)
    const bytes = await readFile(path)
    bytes.writeUInt16BE(WAL_FORMAT_VERSION + 1, 4)
    await writeFile(path, bytes)
    await expect(reopen(wal).readAll()).rejects.toThrow(`${path} was written by a newer sluice: write-ahead log format version ${WAL_FORMAT_VERSION + 1}`)
    await writeFile(path, 'hello')
    await expect(reopen(wal).readAll()).rejects.toThrow(`${path} is not a sluice write-ahead log segment`)
  })

  it('says which segment is missing when reading a record of a deleted segment', async () => {
    const wal = await newLog({ rollingIntervalMs: 10 })
    const position = await wal.write(record(0), 0)
    await wal.write(record(1), 10)
    expect(await wal.clean({ beforeTimeMs: 10 })).toBe(1)
    await expect(wal.read(position)).rejects.toThrow(`${join(wal.directory, position.segment)} is missing: the write-ahead log segment of the record at byte 8 was deleted`)
  })

  it('cleans whole segments whose records are all older than a time', async () => {
    const wal = await newLog({ rollingIntervalMs: 1000 })
    for (const time of [0, 500, 1000, 1800, 2000, 3500]) await wal.write(record(time), time)
    expect(await segments(wal)).toEqual(['log-0000000001-0-1000', 'log-0000000002-1000-2000', 'log-0000000003-2000-3000', 'log-0000000004-3500-4500'])
    expect(await wal.clean({ beforeTimeMs: 1999 })).toBe(1)
    expect(await wal.clean({ beforeTimeMs: 2000 })).toBe(1)
    expect(await segments(wal)).toEqual(['log-0000000003-2000-3000', 'log-0000000004-3500-4500'])
    expect((await wal.readAll()).map((entry) => text(entry.bytes))).toEqual([record(2000), record(3500)].map(String))
  })

  it('cleans the segments before a position, and never the newest segment', async () => {
    const wal = await newLog({ maxSegmentBytes: 60 })
    const positions = []
    for (let i = 0; i < 4; i++) positions.push(await wal.write(Buffer.alloc(30, i), 0))
    expect(await wal.clean({ before: positions[2] as WalPosition })).toBe(2)
    expect((await wal.readAll()).map((entry) => entry.bytes[0])).toEqual([2, 3])
    expect(await wal.clean({ beforeTimeMs: 60_000 })).toBe(1)
    expect(await segments(wal)).toEqual(['log-0000000004-0-60000'])
    await wal.close()
    // A later run numbers its segments after the newest one, so positions keep their order.
    const again = reopen(wal)
    const next = await again.write(Buffer.from('after'), 70_000)
    expect(next.segment).toBe('log-0000000005-70000-130000')
    expect(await again.clean({ before: next })).toBe(1)
    expect((await again.readAll()).map((entry) => text(entry.bytes))).toEqual(['after'])
  })

  it('rejects a write with a CheckpointError naming the segment when the file system refuses it, and carries on in a new segment', async () => {
    const wal = await newLog()
    await wal.write(record(0), 0)
    const probe = await open(join(wal.directory, 'probe'), 'w')
    const prototype = Object.getPrototypeOf(probe) as { datasync(): Promise<void> }
    await probe.close()
    const spy = vi.spyOn(prototype, 'datasync').mockRejectedValueOnce(Object.assign(new Error('ENOSPC: no space left on device, fdatasync'), { code: 'ENOSPC' }))
    try {
      const error = await rejectionOf<CheckpointError>(wal.write(record(1), 1))
      expect(error).toBeInstanceOf(CheckpointError)
      expect(error.message).toBe(
        `Writing 1 record to the write-ahead log segment ${join(wal.directory, 'log-0000000001-0-60000')} failed: ENOSPC (the disk is full): ENOSPC: no space left on device, fdatasync`,
      )
    } finally {
      spy.mockRestore()
    }
    const next = await wal.write(record(2), 2)
    expect(next.segment).toBe('log-0000000002-2-60002')
    expect((await reopen(wal).readAll()).map((entry) => text(entry.bytes))).toEqual([record(0), record(2)].map(String))
  })

  it('validates its arguments and refuses writes after close', async () => {
    expect(() => new WriteAheadLog('x', { maxSegmentBytes: 8 })).toThrow(new RangeError('options.maxSegmentBytes must be an integer above 8, got 8'))
    expect(() => new WriteAheadLog('x', { rollingIntervalMs: 0 })).toThrow(new RangeError('options.rollingIntervalMs must be a positive integer, got 0'))
    const wal = await newLog()
    await expect(wal.write(record(0), -1)).rejects.toThrow(new RangeError('timeMs must be a non-negative integer, got -1'))
    await expect(wal.read({ segment: '../etc/passwd', offset: 8, length: 1 })).rejects.toThrow(RangeError)
    await wal.close()
    await expect(wal.write(record(0), 0)).rejects.toThrow(IllegalStateError)
  })
})
