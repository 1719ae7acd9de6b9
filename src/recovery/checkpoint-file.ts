import { crc32 } from 'node:zlib'

import { CheckpointError } from '../common/errors.js'

/**
 * The framing of every file a checkpoint store writes (checkpoint records
 * and state files): a fixed 24-byte header, then the payload.
 *
 * ```
 * offset size  field
 *  0     4     magic "SLCK" (53 4c 43 4b)
 *  4     2     format version, uint16 big-endian (CHECKPOINT_FORMAT_VERSION)
 *  6     1     kind (CheckpointFileKind)
 *  7     1     flags, 0 (reserved)
 *  8     8     payload length in bytes, uint64 big-endian
 * 16     4     CRC-32 of the payload, uint32 big-endian
 * 20     4     CRC-32 of bytes 0..19 (the header checksum)
 * 24     n     payload
 * ```
 *
 * The magic and version sit at the same offsets in every version, so any
 * reader can tell a file from a newer sluice from a corrupt one. The header
 * has its own checksum so that a damaged length field reads as corruption,
 * not as a truncated file.
 */
export const CHECKPOINT_FORMAT_VERSION = 1

export const CHECKPOINT_MAGIC: Uint8Array = Uint8Array.of(0x53, 0x4c, 0x43, 0x4b)

export const CHECKPOINT_HEADER_BYTES = 24

/** What a framed file holds; the reader checks it against what it expects. */
export const CheckpointFileKind = {
  /** `checkpoint-<batchTimeMs>`: msgpack of a `CheckpointRecord`. */
  record: 1,
  /** A full image of one state partition at one version: the state layer's bytes. */
  stateImage: 2,
  /** The changes one batch made to one state partition: the state layer's bytes. */
  stateChanges: 3,
} as const
export type CheckpointFileKind = (typeof CheckpointFileKind)[keyof typeof CheckpointFileKind]

const KIND_NAMES: Readonly<Record<number, string>> = {
  [CheckpointFileKind.record]: 'a checkpoint record',
  [CheckpointFileKind.stateImage]: 'a state image',
  [CheckpointFileKind.stateChanges]: 'a set of state changes',
}

/** Header and payload of a framed file, ready to be written. */
export function frameCheckpointFile(kind: CheckpointFileKind, payload: Uint8Array): Uint8Array {
  return Buffer.concat([checkpointFileHeader(kind, payload), payload])
}

/** The 24-byte header of a framed file holding `payload`; write the payload right after it. */
export function checkpointFileHeader(kind: CheckpointFileKind, payload: Uint8Array): Buffer {
  const header = Buffer.alloc(CHECKPOINT_HEADER_BYTES)
  header.set(CHECKPOINT_MAGIC, 0)
  header.writeUInt16BE(CHECKPOINT_FORMAT_VERSION, 4)
  header.writeUInt8(kind, 6)
  header.writeUInt8(0, 7)
  header.writeBigUInt64BE(BigInt(payload.byteLength), 8)
  header.writeUInt32BE(crc32(payload), 16)
  header.writeUInt32BE(crc32(header.subarray(0, 20)), 20)
  return header
}

/** The payload CRC-32 recorded in a header made by `checkpointFileHeader`. */
export function headerPayloadCrc(header: Uint8Array): number {
  return Buffer.from(header.buffer, header.byteOffset, header.byteLength).readUInt32BE(16)
}

/**
 * The payload of a framed file, after checking its magic, version, kind,
 * length and checksums. Throws a `CheckpointError` that names `path` and says
 * exactly what is wrong.
 */
export function unframeCheckpointFile(bytes: Uint8Array, path: string, expected: CheckpointFileKind): Uint8Array {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const size = buffer.byteLength
  const magicSeen = buffer.subarray(0, Math.min(size, CHECKPOINT_MAGIC.byteLength))
  if (!magicSeen.equals(CHECKPOINT_MAGIC.subarray(0, magicSeen.byteLength))) {
    throw new CheckpointError(
      `${path} is not a sluice checkpoint file: it starts with ${hex(buffer.subarray(0, 4))}, not the magic bytes ${hex(CHECKPOINT_MAGIC)} ("SLCK")`,
    )
  }
  if (size < 6) throw truncated(path, size, `at least ${CHECKPOINT_HEADER_BYTES}`)
  const version = buffer.readUInt16BE(4)
  if (version > CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointError(
      `${path} was written by a newer sluice: checkpoint format version ${version}, while this sluice reads versions up to ${CHECKPOINT_FORMAT_VERSION}; ` +
        'recover with that newer sluice, or start over with a new checkpoint directory',
    )
  }
  if (version < 1) throw new CheckpointError(`${path} has checkpoint format version ${version}, which no sluice writes; the file is corrupt`)
  if (size < CHECKPOINT_HEADER_BYTES) throw truncated(path, size, `at least ${CHECKPOINT_HEADER_BYTES}`)
  const headerCrc = crc32(buffer.subarray(0, 20))
  if (headerCrc !== buffer.readUInt32BE(20)) {
    throw new CheckpointError(
      `${path} is corrupt: header checksum mismatch (CRC-32 of bytes 0-19 is ${crcHex(headerCrc)}, the header says ${crcHex(buffer.readUInt32BE(20))})`,
    )
  }
  const flags = buffer.readUInt8(7)
  if (flags !== 0) throw new CheckpointError(`${path} has flags ${flags}, which format version ${version} does not define; the file is corrupt`)
  const kind = buffer.readUInt8(6)
  if (kind !== expected) {
    const holds = KIND_NAMES[kind] ?? `an unknown kind of content (${kind})`
    throw new CheckpointError(`${path} holds ${holds}, not ${KIND_NAMES[expected]}`)
  }
  const length = buffer.readBigUInt64BE(8)
  const total = BigInt(CHECKPOINT_HEADER_BYTES) + length
  if (BigInt(size) < total) throw truncated(path, size, String(total))
  if (BigInt(size) > total) {
    throw new CheckpointError(`${path} is corrupt: ${BigInt(size) - total} unexpected bytes follow its payload, which ends at byte ${total}`)
  }
  const payload = buffer.subarray(CHECKPOINT_HEADER_BYTES)
  const payloadCrc = crc32(payload)
  if (payloadCrc !== buffer.readUInt32BE(16)) {
    throw new CheckpointError(
      `${path} is corrupt: checksum mismatch (CRC-32 of its ${payload.byteLength}-byte payload is ${crcHex(payloadCrc)}, the header says ${crcHex(buffer.readUInt32BE(16))})`,
    )
  }
  return payload
}

function truncated(path: string, size: number, expected: string): CheckpointError {
  return new CheckpointError(`${path} is truncated at byte ${size} of ${expected} (a torn write or an incomplete copy)`)
}

function hex(bytes: Uint8Array): string {
  return bytes.byteLength === 0 ? '(nothing)' : Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ')
}

export function crcHex(crc: number): string {
  return crc.toString(16).padStart(8, '0')
}
