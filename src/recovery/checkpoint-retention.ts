import { readdir } from 'node:fs/promises'
import { join } from 'node:path'

import { CheckpointError } from '../common/errors.js'
import { logger } from '../common/logger.js'
import { STATE_DIRECTORY, parseRecordName, parseStateFileName, recordName } from './checkpoint-layout.js'
import { readCheckpointRecord } from './checkpoint-reader.js'
import type { CheckpointRecord } from './checkpoint-record.js'
import { describeIoError, errorCode, removeQuietly, syncDirectory, temporaryTarget } from './durable-files.js'

const SOURCE = 'CheckpointStore'

/** What the store knows about the files on disk; retention keeps these maps in step with what it deletes. */
export interface KnownFiles {
  /** Records written or read by this store, by batch time: the state files each refers to. */
  readonly records: Map<number, readonly string[]>
  /** State files known complete on disk, by path relative to the directory. */
  readonly stateFiles: Map<string, unknown>
}

/**
 * Removes what the checkpoint of `newestMs`, just made durable, has made
 * unnecessary: records older than the `retain` newest ones up to `newestMs`,
 * then the state files that no remaining record refers to (only those of
 * versions up to `newestMs`: later ones may belong to a checkpoint being
 * written), and temporary files left by interrupted writes. Records after
 * `newestMs` (left by an earlier run that was recovered from an older
 * checkpoint) are kept; rewriting their batches replaces them.
 *
 * Best effort: a file that cannot be deleted is logged and left for the next
 * round; it costs space, not correctness, because readers only follow
 * records and the records kept refer only to files kept.
 */
export async function removeOldCheckpoints(directory: string, newestMs: number, retain: number, known: KnownFiles): Promise<void> {
  const names = await listOrEmpty(directory)
  const times = names.map(parseRecordName).filter((time): time is number => time !== null).sort((a, b) => b - a)
  const upToNewest = times.filter((time) => time <= newestMs)
  const kept = [...times.filter((time) => time > newestMs), ...upToNewest.slice(0, retain)]
  const dropped = upToNewest.slice(retain)
  let changed = false
  for (const time of dropped) {
    logger.info(SOURCE, `Deleting ${join(directory, recordName(time))}: the ${retain} newest checkpoints are complete`)
    changed = (await removeQuietly(join(directory, recordName(time)))) || changed
    known.records.delete(time)
  }
  const isTemporaryRecord = (name: string) => parseRecordName(temporaryTarget(name) ?? '') !== null
  for (const name of names.filter(isTemporaryRecord)) changed = (await removeQuietly(join(directory, name))) || changed
  // Records go first, and durably, so that no record that stays can refer to a state file deleted below.
  if (changed) await syncDirectory(directory)

  const referenced = new Set<string>()
  for (const time of kept) {
    const files = known.records.get(time) ?? (await stateFilesOf(directory, time))
    if (files === 'unknown') return
    files.forEach((file) => referenced.add(file))
  }
  await removeUnreferencedStateFiles(directory, newestMs, referenced, known)
}

/** The state files a record refers to; none for a record that is corrupt (its files are of no use); 'unknown' when it cannot be read now. */
async function stateFilesOf(directory: string, time: number): Promise<readonly string[] | 'unknown'> {
  let record: CheckpointRecord
  try {
    record = await readCheckpointRecord(directory, time)
  } catch (error) {
    const code = errorCode((error as Error).cause)
    if (error instanceof CheckpointError && (code === undefined || code === 'ENOENT')) return []
    // An I/O error says nothing about what the record refers to: delete no state file this round.
    logger.warn(SOURCE, `Not deleting old state files this time: ${(error as Error).message}`)
    return 'unknown'
  }
  return record.state.flatMap((partition) => [...(partition.base === null ? [] : [partition.base.file]), ...partition.deltas.map((delta) => delta.file)])
}

async function removeUnreferencedStateFiles(directory: string, newestMs: number, referenced: ReadonlySet<string>, known: KnownFiles): Promise<void> {
  const stateRoot = join(directory, STATE_DIRECTORY)
  for (const stream of await listOrEmpty(stateRoot)) {
    const streamDirectory = join(stateRoot, stream)
    let changed = false
    for (const name of await listOrEmpty(streamDirectory)) {
      const relative = `${STATE_DIRECTORY}/${stream}/${name}`
      const parsed = parseStateFileName(name)
      const isTemporary = parseStateFileName(temporaryTarget(name) ?? '') !== null
      const obsolete = isTemporary || (parsed !== null && parsed.version <= newestMs && !referenced.has(relative))
      if (!obsolete) continue
      changed = (await removeQuietly(join(streamDirectory, name))) || changed
      known.stateFiles.delete(relative)
    }
    if (changed) await syncQuietly(streamDirectory)
  }
}

async function listOrEmpty(directory: string): Promise<string[]> {
  try {
    return await readdir(directory)
  } catch (error) {
    if (errorCode(error) !== 'ENOENT' && errorCode(error) !== 'ENOTDIR') logger.warn(SOURCE, `Could not list ${directory}: ${describeIoError(error)}`)
    return []
  }
}

async function syncQuietly(directory: string): Promise<void> {
  try {
    await syncDirectory(directory)
  } catch (error) {
    // Deletions that are lost in a crash only leave files for the next round to delete.
    logger.warn(SOURCE, `Could not sync ${directory}: ${describeIoError(error)}`)
  }
}
