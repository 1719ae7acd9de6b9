import { crc32 } from 'node:zlib'

import { CheckpointError } from '../common/errors.js'
import { crcHex } from './checkpoint-file.js'

/**
 * The format of write-ahead log segments. A segment starts with an 8-byte
 * header, then holds records back to back:
 *
 * ```
 * segment header:  0  4  magic "SLWL" (53 4c 57 4c)
 *                  4  2  format version, uint16 big-endian (WAL_FORMAT_VERSION)
 *                  6  2  reserved, 0
 * each record:     0  4  payload length n, uint32 big-endian
 *                  4  4  CRC-32 of the payload, uint32 big-endian
 *                  8  4  CRC-32 of bytes 0..7 of this record (the record header checksum)
 *                 12  n  payload
 * ```
 *
 * Records are only ever appended, and a segment is never appended to after
 * the process that created it stops, so damage at the end of a segment is a
 * torn write and damage before it is corruption.
 */
export const WAL_FORMAT_VERSION = 1
export const WAL_MAGIC: Uint8Array = Uint8Array.of(0x53, 0x4c, 0x57, 0x4c)
export const SEGMENT_HEADER_BYTES = 8
export const RECORD_HEADER_BYTES = 12
export const MAX_RECORD_BYTES = 0xffff_ffff

export function segmentHeader(): Uint8Array {
  const header = Buffer.alloc(SEGMENT_HEADER_BYTES)
  header.set(WAL_MAGIC, 0)
  header.writeUInt16BE(WAL_FORMAT_VERSION, 4)
  return header
}

/** A record as it goes into a segment: header and a copy of the payload, given as its parts in order. */
export function frameRecord(parts: readonly Uint8Array[]): Buffer {
  const length = parts.reduce((total, part) => total + part.byteLength, 0)
  const frame = Buffer.alloc(RECORD_HEADER_BYTES + length)
  let offset = RECORD_HEADER_BYTES
  for (const part of parts) {
    frame.set(part, offset)
    offset += part.byteLength
  }
  frame.writeUInt32BE(length, 0)
  frame.writeUInt32BE(crc32(frame.subarray(RECORD_HEADER_BYTES)), 4)
  frame.writeUInt32BE(crc32(frame.subarray(0, 8)), 8)
  return frame
}

export interface ScannedRecord {
  readonly offset: number
  readonly bytes: Uint8Array
}

/** How a scan of a segment ended: at its end, at a torn last record, or at a corrupt record. */
export type ScanEnd =
  | { readonly kind: 'complete' }
  | { readonly kind: 'torn' | 'corrupt'; readonly offset: number; readonly reason: string }

/**
 * The records of a whole segment, in order, up to the first one that is
 * torn or corrupt. Throws a `CheckpointError` for a file that is not a
 * segment or was written by a newer sluice.
 */
export function scanSegment(bytes: Uint8Array, path: string): { records: ScannedRecord[]; end: ScanEnd } {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  checkSegmentHeader(buffer, path)
  const records: ScannedRecord[] = []
  if (buffer.byteLength < SEGMENT_HEADER_BYTES) return { records, end: { kind: 'torn', offset: 0, reason: `its header is cut at byte ${buffer.byteLength} of ${SEGMENT_HEADER_BYTES}` } }
  let offset = SEGMENT_HEADER_BYTES
  while (offset < buffer.byteLength) {
    const problem = recordProblem(buffer, offset, null)
    if (problem !== null) return { records, end: { ...problem, offset } }
    const length = buffer.readUInt32BE(offset)
    records.push({ offset, bytes: buffer.subarray(offset + RECORD_HEADER_BYTES, offset + RECORD_HEADER_BYTES + length) })
    offset += RECORD_HEADER_BYTES + length
  }
  return { records, end: { kind: 'complete' } }
}

/** What is wrong with the record at `offset` (whose length should be `expectedLength` when given), or null when it is intact. */
export function recordProblem(buffer: Buffer, offset: number, expectedLength: number | null): { kind: 'torn' | 'corrupt'; reason: string } | null {
  const problem = checkRecord(buffer, offset, expectedLength)
  // A crash can leave a file longer than what was written, filled with zeros.
  if (problem?.kind === 'corrupt' && buffer.subarray(offset).every((byte) => byte === 0)) {
    return { kind: 'torn', reason: `its last ${buffer.byteLength - offset} bytes are zeros, never written` }
  }
  return problem
}

function checkRecord(buffer: Buffer, offset: number, expectedLength: number | null): { kind: 'torn' | 'corrupt'; reason: string } | null {
  const remaining = buffer.byteLength - offset
  if (remaining < RECORD_HEADER_BYTES) return { kind: 'torn', reason: `the record header is cut at byte ${remaining} of ${RECORD_HEADER_BYTES}` }
  const headerCrc = crc32(buffer.subarray(offset, offset + 8))
  if (headerCrc !== buffer.readUInt32BE(offset + 8)) {
    return { kind: 'corrupt', reason: `record header checksum mismatch (CRC-32 ${crcHex(headerCrc)}, the header says ${crcHex(buffer.readUInt32BE(offset + 8))})` }
  }
  const length = buffer.readUInt32BE(offset)
  if (expectedLength !== null && length !== expectedLength) return { kind: 'corrupt', reason: `the record holds ${length} bytes, not the ${expectedLength} of its position` }
  if (remaining < RECORD_HEADER_BYTES + length) {
    return { kind: 'torn', reason: `the record is cut at byte ${remaining} of ${RECORD_HEADER_BYTES + length}` }
  }
  const payloadCrc = crc32(buffer.subarray(offset + RECORD_HEADER_BYTES, offset + RECORD_HEADER_BYTES + length))
  if (payloadCrc !== buffer.readUInt32BE(offset + 4)) {
    return { kind: 'corrupt', reason: `checksum mismatch (CRC-32 of its ${length}-byte payload is ${crcHex(payloadCrc)}, the record header says ${crcHex(buffer.readUInt32BE(offset + 4))})` }
  }
  return null
}

function checkSegmentHeader(buffer: Buffer, path: string): void {
  const magicSeen = buffer.subarray(0, Math.min(buffer.byteLength, WAL_MAGIC.byteLength))
  if (!magicSeen.equals(WAL_MAGIC.subarray(0, magicSeen.byteLength))) {
    throw new CheckpointError(`${path} is not a sluice write-ahead log segment: it does not start with the magic bytes 53 4c 57 4c ("SLWL")`)
  }
  if (buffer.byteLength < 6) return
  const version = buffer.readUInt16BE(4)
  if (version > WAL_FORMAT_VERSION) {
    throw new CheckpointError(
      `${path} was written by a newer sluice: write-ahead log format version ${version}, while this sluice reads versions up to ${WAL_FORMAT_VERSION}; ` +
        'recover with that newer sluice, or start over with a new checkpoint directory',
    )
  }
  if (version < 1) throw new CheckpointError(`${path} has write-ahead log format version ${version}, which no sluice writes; the segment is corrupt`)
}
