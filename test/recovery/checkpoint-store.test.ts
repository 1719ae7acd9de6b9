import { readFileSync } from 'node:fs'
import { access, open, readFile, readdir, stat, truncate, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { CheckpointError, IllegalStateError } from '../../src/common/errors.js'
import type { PartitionState } from '../../src/recovery/checkpoint.js'
import { CheckpointFileKind, unframeCheckpointFile } from '../../src/recovery/checkpoint-file.js'
import { CheckpointStore } from '../../src/recovery/checkpoint-store.js'
import { decode, encodeShared } from '../../src/serde/codec.js'
import { type LogCapture, captureLog } from '../support/log-capture.js'
import { rejectionOf } from '../support/rejection.js'
import { flipByte, useTempDirectories } from './temp-directory.js'

const tempDirectory = useTempDirectories()
let log: LogCapture

beforeEach(() => {
  log = captureLog()
})
afterEach(() => {
  log.restore()
})

const bytes = (text: string) => Buffer.from(text)

function imageOnly(stream: string, partition: number, version: number, text: string): PartitionState {
  return { stream, partition, base: bytes(text), baseVersion: version, deltas: [] }
}

async function storeWithCheckpoints(times: readonly number[], retain = 10): Promise<CheckpointStore> {
  const store = new CheckpointStore(join(await tempDirectory(), 'word-count'), { retain })
  for (const time of times) {
    await store.write({ batchTimeMs: time, progress: { lastCompleted: time }, state: [imageOnly('counts', 0, time, `state at ${time}`)] })
  }
  return store
}

async function stateFiles(store: CheckpointStore, stream: string): Promise<string[]> {
  return (await readdir(join(store.directory, 'state', stream))).sort()
}

describe('CheckpointStore', () => {
  it('finds no checkpoint in a directory that does not exist yet or holds none', async () => {
    const store = new CheckpointStore(join(await tempDirectory(), 'nothing-here'))
    expect(await store.readLatest()).toBeNull()
    expect(await store.list()).toEqual([])
  })

  it('reads back the progress and every partition state it wrote', async () => {
    const store = new CheckpointStore(join(await tempDirectory(), 'word-count'))
    const progress = {
      lastCompletedBatchMs: 3000,
      pendingBatches: [{ timeMs: 4000, inputs: new Map([['files-0', ['a.txt', 'b.txt']]]) }],
      offsets: { big: 2n ** 70n },
    }
    const state: PartitionState[] = [
      { stream: 'map-with-state-2', partition: 0, base: bytes('image p0 @1000'), baseVersion: 1000, deltas: [{ version: 2000, bytes: bytes('p0 +2000') }, { version: 3000, bytes: bytes('p0 +3000') }] },
      { stream: 'map-with-state-2', partition: 1, base: null, baseVersion: 1000, deltas: [{ version: 3000, bytes: bytes('p1 +3000') }] },
      { stream: 'state-1', partition: 0, base: bytes('whole state'), baseVersion: 3000, deltas: [] },
      { stream: 'state-1', partition: 1, base: null, baseVersion: null, deltas: [] },
    ]
    const written = await store.write({ batchTimeMs: 3000, progress, state })
    expect(written).toMatchObject({ batchTimeMs: 3000, file: join(store.directory, 'checkpoint-3000'), filesWritten: 6 })

    const restored = await new CheckpointStore(store.directory).readLatest()
    expect(restored).toMatchObject({ batchTimeMs: 3000, file: join(store.directory, 'checkpoint-3000'), progress })
    expect(restored?.writtenAtMs).toBeGreaterThan(0)
    expect(restored?.state.map((partition) => ({
      ...partition,
      base: partition.base === null ? null : Buffer.from(partition.base).toString(),
      deltas: partition.deltas.map((delta) => ({ version: delta.version, bytes: Buffer.from(delta.bytes).toString() })),
    }))).toEqual(state.map((partition) => ({
      ...partition,
      base: partition.base === null ? null : partition.base.toString(),
      deltas: partition.deltas.map((delta) => ({ version: delta.version, bytes: delta.bytes.toString() })),
    })))
    expect(await stateFiles(store, 'map-with-state-2')).toEqual([
      'part-00000-changes-2000', 'part-00000-changes-3000', 'part-00000-image-1000', 'part-00001-changes-3000',
    ])
  })

  it('writes state bytes that live in a SharedArrayBuffer, as the state layer makes them', async () => {
    const store = new CheckpointStore(join(await tempDirectory(), 'word-count'))
    const image = encodeShared([['hello', 2, 1000]])
    await store.write({ batchTimeMs: 1000, progress: null, state: [{ stream: 's', partition: 0, base: image, baseVersion: 1000, deltas: [] }] })
    const restored = await new CheckpointStore(store.directory).readLatest()
    expect(decode(restored?.state[0]?.base as Uint8Array)).toEqual([['hello', 2, 1000]])
  })

  it('creates its directories owner-only (0700) and its files owner-only (0600)', async () => {
    const store = await storeWithCheckpoints([1000])
    expect((await stat(store.directory)).mode & 0o777).toBe(0o700)
    expect((await stat(join(store.directory, 'state'))).mode & 0o777).toBe(0o700)
    expect((await stat(join(store.directory, 'state', 'counts'))).mode & 0o777).toBe(0o700)
    expect((await stat(join(store.directory, 'checkpoint-1000'))).mode & 0o777).toBe(0o600)
    expect((await stat(join(store.directory, 'state', 'counts', 'part-00000-image-1000'))).mode & 0o777).toBe(0o600)
  })

  it('writes each state file once and refers to it from later checkpoints, also after a restart', async () => {
    const store = new CheckpointStore(join(await tempDirectory(), 'word-count'))
    const base = { stream: 'mws', partition: 0, base: bytes('image'), baseVersion: 1000 }
    const first = await store.write({ batchTimeMs: 1000, progress: null, state: [{ ...base, deltas: [] }] })
    const delta2 = { version: 2000, bytes: bytes('+2000') }
    const second = await store.write({ batchTimeMs: 2000, progress: null, state: [{ ...base, deltas: [delta2] }] })
    expect([first.filesWritten, second.filesWritten]).toEqual([2, 2])

    const restarted = new CheckpointStore(store.directory)
    expect((await restarted.readLatest())?.batchTimeMs).toBe(2000)
    const third = await restarted.write({ batchTimeMs: 3000, progress: null, state: [{ ...base, deltas: [delta2, { version: 3000, bytes: bytes('+3000') }] }] })
    expect(third.filesWritten).toBe(2)
    const restored = await new CheckpointStore(store.directory).readLatest()
    expect(restored?.state[0]?.deltas.map((delta) => Buffer.from(delta.bytes).toString())).toEqual(['+2000', '+3000'])
  })

  it('resolves writes in the order they were made, each once its files are complete on disk', async () => {
    const store = new CheckpointStore(join(await tempDirectory(), 'word-count'))
    const resolved: number[] = []
    const writes = [1000, 2000, 3000, 4000].map((time) =>
      store.write({ batchTimeMs: time, progress: { time }, state: [imageOnly('s', 0, time, 'x'.repeat(100_000))] }).then((written) => {
        // Read synchronously, before anything else can run: the files must already be whole.
        const record = unframeCheckpointFile(readFileSync(written.file), written.file, CheckpointFileKind.record)
        const image = join(store.directory, 'state', 's', `part-00000-image-${time}`)
        unframeCheckpointFile(readFileSync(image), image, CheckpointFileKind.stateImage)
        expect(record.byteLength).toBeGreaterThan(0)
        resolved.push(time)
      }),
    )
    expect(store.pendingWrites).toBe(4)
    await Promise.all(writes)
    expect(resolved).toEqual([1000, 2000, 3000, 4000])
    expect(store.pendingWrites).toBe(0)
  })

  it('does not resolve a write until its files and directory entries are fsynced', async () => {
    const directory = await tempDirectory()
    const probe = await open(join(directory, 'probe'), 'w')
    const prototype = Object.getPrototypeOf(probe) as { sync(): Promise<void> }
    await probe.close()
    const originalSync = prototype.sync
    let release = () => {}
    const gate = new Promise<void>((resolve) => { release = resolve })
    const events: string[] = []
    const spy = vi.spyOn(prototype, 'sync').mockImplementation(async function (this: unknown) {
      events.push('sync')
      await gate
      return originalSync.call(this)
    })
    try {
      const store = new CheckpointStore(join(directory, 'word-count'))
      const write = store.write({ batchTimeMs: 1000, progress: 'p', state: [imageOnly('s', 0, 1000, 'image')] }).then(() => events.push('resolved'))
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(events).toEqual(['sync'])
      await expect(access(join(store.directory, 'checkpoint-1000'))).rejects.toThrow(/ENOENT/)
      release()
      await write
      // Files: the image and the record. Directories: three created, the state directory after the image, the checkpoint directory after the record.
      expect(events.filter((event) => event === 'sync').length).toBeGreaterThanOrEqual(7)
      expect(events.at(-1)).toBe('resolved')
    } finally {
      spy.mockRestore()
    }
  })

  it('encodes the progress when write is called, so later changes to it are not written', async () => {
    const store = new CheckpointStore(join(await tempDirectory(), 'word-count'))
    const progress = { files: ['a.txt'] }
    const written = store.write({ batchTimeMs: 1000, progress })
    progress.files.push('b.txt')
    await written
    expect((await store.readLatest())?.progress).toEqual({ files: ['a.txt'] })
  })

  describe('falls back to the previous checkpoint, logging which file it rejected and why', () => {
    const cases: [string, (directory: string) => Promise<void>, RegExp][] = [
      ['a truncated record', (d) => truncate(join(d, 'checkpoint-3000'), 30), /checkpoint-3000 is truncated at byte 30 of \d+/],
      ['a flipped byte in the record', async (d) => writeFile(join(d, 'checkpoint-3000'), flipByte(await readFile(join(d, 'checkpoint-3000')), -3)), /checkpoint-3000 is corrupt: checksum mismatch/],
      ['a record that is not a checkpoint file', (d) => writeFile(join(d, 'checkpoint-3000'), 'batch 3000 done\n'), /checkpoint-3000 is not a sluice checkpoint file/],
      ['a record from a newer sluice', async (d) => {
        const record = await readFile(join(d, 'checkpoint-3000'))
        record.writeUInt16BE(7, 4)
        await writeFile(join(d, 'checkpoint-3000'), record)
      }, /checkpoint-3000 was written by a newer sluice: checkpoint format version 7/],
      ['a flipped byte in a state file', async (d) => {
        const image = join(d, 'state', 'counts', 'part-00000-image-3000')
        await writeFile(image, flipByte(await readFile(image), -1))
      }, /part-00000-image-3000 is corrupt: checksum mismatch/],
      ['a truncated state file', (d) => truncate(join(d, 'state', 'counts', 'part-00000-image-3000'), 25), /part-00000-image-3000 is truncated at byte 25 of 37/],
      ['a missing state file', (d) => unlink(join(d, 'state', 'counts', 'part-00000-image-3000')), /checkpoint-3000 needs .*part-00000-image-3000, which is missing/],
    ]

    it.each(cases)('%s', async (_, damage, reason) => {
      const store = await storeWithCheckpoints([1000, 2000, 3000])
      await damage(store.directory)
      const restored = await new CheckpointStore(store.directory).readLatest()
      expect(restored?.batchTimeMs).toBe(2000)
      expect(restored?.progress).toEqual({ lastCompleted: 2000 })
      expect(Buffer.from(restored?.state[0]?.base ?? []).toString()).toBe('state at 2000')
      const warnings = log.at('WARN')
      expect(warnings[0]).toMatch(/^WARN CheckpointStore: Rejected checkpoint checkpoint-3000: /)
      expect(warnings[0]).toMatch(reason)
      expect(warnings[1]).toBe(`WARN CheckpointStore: Recovering from ${join(store.directory, 'checkpoint-2000')}, the newest intact checkpoint`)
    })
  })

  it('throws a CheckpointError naming every file it tried when none is readable', async () => {
    const store = await storeWithCheckpoints([2000, 3000])
    await truncate(join(store.directory, 'checkpoint-3000'), 50)
    await unlink(join(store.directory, 'state', 'counts', 'part-00000-image-2000'))
    const error = await rejectionOf<CheckpointError>(new CheckpointStore(store.directory).readLatest())
    expect(error).toBeInstanceOf(CheckpointError)
    const [first, ...rest] = error.message.split('\n')
    expect(first).toBe(`No readable checkpoint in ${store.directory}: tried checkpoint-3000, checkpoint-2000`)
    expect(rest[0]).toMatch(/^ {2}- .*checkpoint-3000 is truncated at byte 50 of \d+/)
    expect(rest[1]).toMatch(/^ {2}- .*checkpoint-2000 needs .*part-00000-image-2000, which is missing$/)
    expect(error.cause).toBeInstanceOf(AggregateError)
    expect((error.cause as AggregateError).errors).toHaveLength(2)
  })

  it('replaces a damaged checkpoint when its batch is written again after recovering from an older one', async () => {
    const store = await storeWithCheckpoints([1000, 2000, 3000], 2)
    await truncate(join(store.directory, 'checkpoint-3000'), 40)
    const restarted = new CheckpointStore(store.directory, { retain: 2 })
    expect((await restarted.readLatest())?.batchTimeMs).toBe(2000)
    await restarted.write({ batchTimeMs: 3000, progress: { lastCompleted: 3000, rerun: true }, state: [imageOnly('counts', 0, 3000, 'state at 3000 again')] })
    expect(await restarted.list()).toEqual([3000, 2000])
    const restored = await new CheckpointStore(store.directory).readLatest()
    expect(restored?.progress).toEqual({ lastCompleted: 3000, rerun: true })
    expect(Buffer.from(restored?.state[0]?.base ?? []).toString()).toBe('state at 3000 again')
  })

  it('keeps the newest complete checkpoints and the state files they refer to, and deletes the rest', async () => {
    const store = new CheckpointStore(join(await tempDirectory(), 'word-count'))
    const delta = (version: number) => ({ version, bytes: bytes(`+${version}`) })
    const image = (version: number) => ({ stream: 'mws', partition: 0, base: bytes(`image ${version}`), baseVersion: version })
    await store.write({ batchTimeMs: 1000, progress: 1, state: [{ ...image(1000), deltas: [] }] })
    await store.write({ batchTimeMs: 2000, progress: 2, state: [{ ...image(1000), deltas: [delta(2000)] }] })
    expect(await store.list()).toEqual([2000, 1000])
    await store.write({ batchTimeMs: 3000, progress: 3, state: [{ ...image(3000), deltas: [] }] })
    await store.write({ batchTimeMs: 4000, progress: 4, state: [{ ...image(3000), deltas: [delta(4000)] }] })
    await store.write({ batchTimeMs: 5000, progress: 5, state: [{ ...image(3000), deltas: [delta(4000), delta(5000)] }] })

    expect(await store.list()).toEqual([5000, 4000])
    expect(await stateFiles(store, 'mws')).toEqual(['part-00000-changes-4000', 'part-00000-changes-5000', 'part-00000-image-3000'])
    expect((await new CheckpointStore(store.directory).readLatest())?.progress).toBe(5)
  })

  it('keeps as many checkpoints as told', async () => {
    const store = await storeWithCheckpoints([1000, 2000, 3000, 4000, 5000], 3)
    expect(await store.list()).toEqual([5000, 4000, 3000])
    expect(await stateFiles(store, 'counts')).toEqual(['part-00000-image-3000', 'part-00000-image-4000', 'part-00000-image-5000'])
  })

  it('removes temporary files left by an interrupted write and never reads them', async () => {
    const store = await storeWithCheckpoints([1000])
    await writeFile(join(store.directory, '.checkpoint-2000.4242-1.tmp'), 'half a checkpoint')
    await writeFile(join(store.directory, 'state', 'counts', '.part-00000-image-2000.4242-2.tmp'), 'half an image')
    expect((await new CheckpointStore(store.directory).readLatest())?.batchTimeMs).toBe(1000)
    await store.write({ batchTimeMs: 2000, progress: null })
    expect((await readdir(store.directory)).filter((name) => name.endsWith('.tmp'))).toEqual([])
    expect(await stateFiles(store, 'counts')).toEqual(['part-00000-image-1000'])
  })

  it('leaves other files in the directory alone', async () => {
    const store = await storeWithCheckpoints([1000, 2000, 3000], 1)
    await writeFile(join(store.directory, 'notes.txt'), 'mine')
    await store.write({ batchTimeMs: 4000, progress: null })
    expect((await readdir(store.directory)).sort()).toEqual(['checkpoint-4000', 'notes.txt', 'state'])
  })

  it('rejects malformed checkpoints with an error naming the field', async () => {
    const store = new CheckpointStore(join(await tempDirectory(), 'word-count'))
    const partition = imageOnly('s', 0, 1000, 'x')
    await expect(store.write({ batchTimeMs: -1, progress: null })).rejects.toThrow(new RangeError('batchTimeMs must be a non-negative integer, got -1'))
    await expect(store.write({ batchTimeMs: 1, progress: null, state: [{ ...partition, stream: '../escape' }] })).rejects.toThrow(/state\[0\]\.stream must match .* \(it names a directory\), got "\.\.\/escape"/)
    await expect(store.write({ batchTimeMs: 1, progress: null, state: [partition, partition] })).rejects.toThrow('state[1] repeats partition 0 of stream s; give each partition once')
    await expect(store.write({ batchTimeMs: 1, progress: null, state: [{ ...partition, deltas: [{ version: 500, bytes: bytes('') }] }] })).rejects.toThrow(
      'state[0].deltas[0].version must be after 1000 (deltas come after the image, oldest first), got 500',
    )
    await expect(store.write({ batchTimeMs: 1, progress: () => 1 })).rejects.toThrow(/Cannot ship a function/)
    expect(await store.list()).toEqual([])
  })

  it('refuses writes after close, and validates its options', async () => {
    const store = new CheckpointStore(join(await tempDirectory(), 'word-count'))
    await store.close()
    await store.close()
    const error = await rejectionOf(store.write({ batchTimeMs: 1000, progress: null }))
    expect(error).toBeInstanceOf(IllegalStateError)
    expect(error.message).toMatch(/CheckpointStore for .* is closed/)
    expect(() => new CheckpointStore('x', { retain: 0 })).toThrow(new RangeError('options.retain must be a positive integer, got 0'))
  })
})
