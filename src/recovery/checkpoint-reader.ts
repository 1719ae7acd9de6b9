import { readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'

import { CheckpointError } from '../common/errors.js'
import { decode } from '../serde/codec.js'
import type { PartitionState, RestoredCheckpoint, StateDelta } from './checkpoint.js'
import { CheckpointFileKind, crcHex, headerPayloadCrc, unframeCheckpointFile } from './checkpoint-file.js'
import { parseStateFileName, recordName } from './checkpoint-layout.js'
import { type CheckpointRecord, type PartitionStateRef, type StateFileRef, parseCheckpointRecord } from './checkpoint-record.js'
import { errorCode, ioFailure } from './durable-files.js'

/**
 * Reads the checkpoint record of `batchTimeMs` in `directory` and checks its
 * framing, checksum and shape, without reading the state files it refers to.
 */
export async function readCheckpointRecord(directory: string, batchTimeMs: number): Promise<CheckpointRecord> {
  const path = join(directory, recordName(batchTimeMs))
  const payload = unframeCheckpointFile(await readWhole(path, `${path} is missing`), path, CheckpointFileKind.record)
  let value: unknown
  try {
    value = decode(payload)
  } catch (error) {
    throw new CheckpointError(`${path} passed its checksum but its payload does not decode: ${(error as Error).message}`, { cause: error })
  }
  const record = parseCheckpointRecord(value, path)
  if (record.batchTimeMs !== batchTimeMs) {
    throw new CheckpointError(`${path} holds the checkpoint of batch time ${record.batchTimeMs}, not ${batchTimeMs}; it was renamed or copied over`)
  }
  return record
}

/** Reads a whole checkpoint: its record and every state file it refers to, each verified. */
export async function readCheckpoint(directory: string, batchTimeMs: number): Promise<{ checkpoint: RestoredCheckpoint; record: CheckpointRecord }> {
  const record = await readCheckpointRecord(directory, batchTimeMs)
  const recordPath = join(directory, recordName(batchTimeMs))
  let progress: unknown
  try {
    progress = decode(record.progress)
  } catch (error) {
    throw new CheckpointError(`${recordPath} passed its checksum but its progress record does not decode: ${(error as Error).message}`, { cause: error })
  }
  const state: PartitionState[] = []
  for (const ref of record.state) {
    const base = ref.base === null ? null : await readStateFile(directory, ref, ref.base, 'image', recordPath)
    const deltas: StateDelta[] = []
    for (const delta of ref.deltas) {
      deltas.push({ version: delta.version, bytes: await readStateFile(directory, ref, delta, 'changes', recordPath) })
    }
    state.push({ stream: ref.stream, partition: ref.partition, base, baseVersion: ref.baseVersion, deltas })
  }
  return { checkpoint: { batchTimeMs, progress, state, file: recordPath, writtenAtMs: record.writtenAtMs }, record }
}

async function readStateFile(
  directory: string,
  owner: PartitionStateRef,
  ref: StateFileRef,
  kind: 'image' | 'changes',
  recordPath: string,
): Promise<Uint8Array> {
  const path = join(directory, ...ref.file.split('/'))
  const name = parseStateFileName(basename(path))
  if (name === null || name.kind !== kind || name.version !== ref.version || name.partition !== owner.partition || !ref.file.startsWith(`state/${owner.stream}/`)) {
    throw new CheckpointError(`${recordPath} is corrupt: it lists ${ref.file} as the ${kind} of version ${ref.version} of ${owner.stream} partition ${owner.partition}`)
  }
  const bytes = await readWhole(path, `${recordPath} needs ${path}, which is missing`)
  const expected = kind === 'image' ? CheckpointFileKind.stateImage : CheckpointFileKind.stateChanges
  const payload = unframeCheckpointFile(bytes, path, expected)
  const crc = headerPayloadCrc(bytes)
  if (payload.byteLength !== ref.length || crc !== ref.crc) {
    throw new CheckpointError(
      `${path} is not the file ${recordPath} was written with: it holds ${payload.byteLength} bytes with CRC-32 ${crcHex(crc)}, ` +
        `the record expects ${ref.length} bytes with CRC-32 ${crcHex(ref.crc)}`,
    )
  }
  return payload
}

async function readWhole(path: string, whenMissing: string): Promise<Uint8Array> {
  try {
    return await readFile(path)
  } catch (error) {
    if (errorCode(error) === 'ENOENT') throw new CheckpointError(whenMissing, { cause: error })
    throw ioFailure('Reading', path, error)
  }
}
