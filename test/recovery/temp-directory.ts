import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach } from 'vitest'

/** A fresh directory under the system temp directory per call, removed after each test. */
export function useTempDirectories(): () => Promise<string> {
  const created: string[] = []
  afterEach(async () => {
    await Promise.all(created.splice(0).map((directory) => rm(directory, { recursive: true, force: true })))
  })
  return async () => {
    const directory = await mkdtemp(join(tmpdir(), 'sluice-recovery-'))
    created.push(directory)
    return directory
  }
}

/** Flips one bit of the byte at `offset` (negative: from the end). */
export function flipByte(bytes: Buffer, offset: number): Buffer {
  const at = offset < 0 ? bytes.byteLength + offset : offset
  bytes[at] = (bytes[at] as number) ^ 0x01
  return bytes
}
