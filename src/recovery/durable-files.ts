import { type FileHandle, chmod, mkdir, open, rename, stat, unlink } from 'node:fs/promises'
import { dirname, join } from 'node:path'

import { CheckpointError } from '../common/errors.js'
import { logger } from '../common/logger.js'

let temporaryCounter = 0

/** `.name.<pid>-<n>.tmp`: hidden, unique in this process, never matched by a reader's patterns; a crashed write leaves it for cleanup. */
export function temporaryName(name: string): string {
  return `.${name}.${process.pid}-${++temporaryCounter}.tmp`
}

const TEMPORARY_NAME = /^\.(.+)\.\d+-\d+\.tmp$/

/** The name a temporary file was to be renamed to, or null when `name` is not one of ours. */
export function temporaryTarget(name: string): string | null {
  return TEMPORARY_NAME.exec(name)?.[1] ?? null
}

/**
 * Creates `directory` and any missing parents owner-only (0700), syncing
 * each parent so that the new entry survives a crash. An existing directory
 * is left as it is.
 */
export async function ensureDirectory(directory: string): Promise<void> {
  try {
    if ((await stat(directory)).isDirectory()) return
    throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${directory}'`), { code: 'ENOTDIR', path: directory })
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error
  }
  const parent = dirname(directory)
  if (parent !== directory) await ensureDirectory(parent)
  try {
    await mkdir(directory, { mode: 0o700 })
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return
    throw error
  }
  // mkdir's mode is filtered by the umask; set it exactly.
  await chmod(directory, 0o700)
  await syncDirectory(parent)
}

/**
 * Writes `chunks`, one after the other, to `directory/name` so that the name only ever refers to
 * complete content: a temporary file in the same directory is written,
 * fsynced and renamed over `name`. The directory itself is not synced, so
 * several files can share one directory sync; call `syncDirectory` before
 * relying on the new names. A failure removes the temporary file and
 * rethrows.
 */
export async function writeAndRename(directory: string, name: string, chunks: readonly Uint8Array[]): Promise<void> {
  const temporary = join(directory, temporaryName(name))
  let created = false
  try {
    const handle = await open(temporary, 'wx', 0o600)
    created = true
    try {
      let position = 0
      for (const chunk of chunks) {
        await writeFully(handle, chunk, position)
        position += chunk.byteLength
      }
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temporary, join(directory, name))
  } catch (error) {
    if (created) await removeQuietly(temporary)
    throw error
  }
}

/** Writes all of `bytes` at `position`, however many system calls it takes. */
export async function writeFully(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let written = 0
  while (written < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.byteLength - written, position + written)
    written += bytesWritten
  }
}

/** `writeAndRename`, then a sync of the directory: when this resolves the file survives a crash. */
export async function writeFileDurably(directory: string, name: string, chunks: readonly Uint8Array[]): Promise<void> {
  await writeAndRename(directory, name, chunks)
  await syncDirectory(directory)
}

/** fsyncs a directory, making the creation, renaming and removal of its entries durable. */
export async function syncDirectory(directory: string): Promise<void> {
  // Windows cannot open a directory for fsync; its file system journals renames itself.
  if (process.platform === 'win32') return
  const handle = await open(directory, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Deletes a file; one that is already gone is fine. Other failures are logged, not thrown. */
export async function removeQuietly(path: string, source = 'CheckpointStore'): Promise<boolean> {
  try {
    await unlink(path)
    return true
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') logger.warn(source, `Could not delete ${path}: ${describeIoError(error)}`)
    return false
  }
}

export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

const HINTS: Readonly<Record<string, string>> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  EFBIG: 'the file size limit was reached (see ulimit -f)',
  EACCES: 'permission denied; the checkpoint directory must be writable by this process',
  EPERM: 'operation not permitted; the checkpoint directory must be writable by this process',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a path component is a file, not a directory',
  EIO: 'the device reported an I/O error',
}

/** `ENOSPC (the disk is full): ENOSPC: no space left on device, write`. */
export function describeIoError(error: unknown): string {
  const code = errorCode(error)
  const message = error instanceof Error ? error.message : String(error)
  if (code === undefined) return message
  const hint = HINTS[code]
  return hint === undefined ? message : `${code} (${hint}): ${message}`
}

/** A failed write or read, as a `CheckpointError` that names the file and keeps the system error as `cause`. */
export function ioFailure(action: string, path: string, error: unknown): CheckpointError {
  if (error instanceof CheckpointError) return error
  return new CheckpointError(`${action} ${path} failed: ${describeIoError(error)}`, { cause: error })
}
