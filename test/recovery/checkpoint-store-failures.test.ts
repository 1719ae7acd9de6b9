import { execFile } from 'node:child_process'
import { chmod, readdir, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

import { describe, expect, it } from 'vitest'

import { CheckpointError } from '../../src/common/errors.js'
import { CheckpointStore } from '../../src/recovery/checkpoint-store.js'
import { rejectionOf } from '../support/rejection.js'
import { useTempDirectories } from './temp-directory.js'

const tempDirectory = useTempDirectories()
const here = dirname(fileURLToPath(import.meta.url))
const repository = resolve(here, '../..')
// As root, permission bits do not stop writes: the read-only case needs another user.
const isRoot = process.getuid?.() === 0

async function storeWithOneCheckpoint(): Promise<CheckpointStore> {
  const store = new CheckpointStore(join(await tempDirectory(), 'word-count'))
  await store.write({ batchTimeMs: 1000, progress: { batch: 1000 }, state: [{ stream: 's', partition: 0, base: Buffer.from('state 1000'), baseVersion: 1000, deltas: [] }] })
  return store
}

async function expectStillReadable(directory: string): Promise<void> {
  const restored = await new CheckpointStore(directory).readLatest()
  expect(restored?.batchTimeMs).toBe(1000)
  expect(Buffer.from(restored?.state[0]?.base ?? []).toString()).toBe('state 1000')
}

describe('CheckpointStore when a write fails', () => {
  it.skipIf(isRoot)('rejects with a CheckpointError naming the file and EACCES when the directory is read-only, and keeps the previous checkpoint', async () => {
    const store = await storeWithOneCheckpoint()
    await chmod(store.directory, 0o500)
    try {
      const error = await rejectionOf<CheckpointError>(store.write({ batchTimeMs: 2000, progress: { batch: 2000 } }))
      expect(error).toBeInstanceOf(CheckpointError)
      expect(error.message).toMatch(new RegExp(`^Checkpoint of batch time 2000 was not written: writing ${join(store.directory, 'checkpoint-2000')} failed: EACCES \\(permission denied;`))
      expect((error.cause as NodeJS.ErrnoException).code).toBe('EACCES')
    } finally {
      await chmod(store.directory, 0o700)
    }
    await expectStillReadable(store.directory)
  })

  it('rejects with a CheckpointError naming the directory it could not create, and keeps the previous checkpoint', async () => {
    const store = new CheckpointStore(join(await tempDirectory(), 'word-count'))
    await store.write({ batchTimeMs: 1000, progress: { batch: 1000 }, state: [{ stream: 's', partition: 0, base: Buffer.from('state 1000'), baseVersion: 1000, deltas: [] }] })
    // A file where the next stateful stream's directory must go.
    await writeFile(join(store.directory, 'state', 'other'), 'in the way')
    const error = await rejectionOf<CheckpointError>(
      store.write({ batchTimeMs: 2000, progress: { batch: 2000 }, state: [{ stream: 'other', partition: 0, base: Buffer.from('x'), baseVersion: 2000, deltas: [] }] }),
    )
    expect(error).toBeInstanceOf(CheckpointError)
    expect(error.message).toMatch(
      new RegExp(`^Checkpoint of batch time 2000 was not written: creating ${join(store.directory, 'state', 'other')} failed: ENOTDIR \\(a path component is a file, not a directory\\)`),
    )
    expect(error.message).toMatch(/earlier checkpoints are untouched$/)
    expect(await store.list()).toEqual([1000])
    await expectStillReadable(store.directory)
    // The queue goes on: the next write succeeds.
    await store.write({ batchTimeMs: 3000, progress: { batch: 3000 } })
    expect(await store.list()).toEqual([3000, 1000])
  })

  it('rejects with a CheckpointError naming the file when the disk refuses more bytes (ulimit -f), and keeps the previous checkpoint', async () => {
    const directory = join(await tempDirectory(), 'word-count')
    const script = join(here, 'fixtures', 'write-checkpoints.ts')
    // bash counts ulimit -f in 1024-byte blocks: 64 KiB per file here; the second image is 1 MiB. Node ignores SIGXFSZ, so write fails with EFBIG.
    const { stdout } = await promisify(execFile)('bash', ['-c', `ulimit -f 64 && exec "${process.execPath}" --import tsx "${script}" "${directory}" 1048576`], { cwd: repository })
    const { small, large } = JSON.parse(stdout) as { small: { ok: boolean }; large: { ok: boolean; name: string; message: string; code: string } }
    expect(small.ok).toBe(true)
    expect(large).toMatchObject({ ok: false, name: 'CheckpointError', code: 'EFBIG' })
    expect(large.message).toMatch(
      new RegExp(`^Checkpoint of batch time 2000 was not written: writing ${join(directory, 'state', 's', 'part-00000-image-2000')} failed: EFBIG \\(the file size limit was reached`),
    )
    expect(await readdir(join(directory, 'state', 's'))).toEqual(['part-00000-image-1000'])
    expect((await readdir(directory)).sort()).toEqual(['checkpoint-1000', 'state'])
    const restored = await new CheckpointStore(directory).readLatest()
    expect(restored).toMatchObject({ batchTimeMs: 1000, progress: { batch: 1000 } })
  })
})
