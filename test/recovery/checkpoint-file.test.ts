import { describe, expect, it } from 'vitest'

import { CheckpointError } from '../../src/common/errors.js'
import {
  CHECKPOINT_FORMAT_VERSION,
  CHECKPOINT_HEADER_BYTES,
  CheckpointFileKind,
  frameCheckpointFile,
  unframeCheckpointFile,
} from '../../src/recovery/checkpoint-file.js'
import { thrownBy } from '../support/rejection.js'

const PATH = 'checkpoint/word-count/checkpoint-1700000003000'
const payload = Buffer.from('the quick brown fox jumps over the lazy dog')

function framed(): Buffer {
  return Buffer.from(frameCheckpointFile(CheckpointFileKind.record, payload))
}

function problem(bytes: Uint8Array, kind: CheckpointFileKind = CheckpointFileKind.record): CheckpointError {
  const error = thrownBy<CheckpointError>(() => unframeCheckpointFile(bytes, PATH, kind))
  expect(error).toBeInstanceOf(CheckpointError)
  return error
}

describe('checkpoint file framing', () => {
  it.each([
    ['a checkpoint record', CheckpointFileKind.record],
    ['a state image', CheckpointFileKind.stateImage],
    ['state changes', CheckpointFileKind.stateChanges],
  ])('round-trips %s', (_, kind) => {
    const bytes = frameCheckpointFile(kind, payload)
    expect(bytes.byteLength).toBe(CHECKPOINT_HEADER_BYTES + payload.byteLength)
    expect(Buffer.from(bytes.subarray(0, 4)).toString('latin1')).toBe('SLCK')
    expect(Buffer.from(unframeCheckpointFile(bytes, PATH, kind))).toEqual(payload)
  })

  it('round-trips an empty payload', () => {
    expect(unframeCheckpointFile(frameCheckpointFile(CheckpointFileKind.stateChanges, new Uint8Array()), PATH, CheckpointFileKind.stateChanges).byteLength).toBe(0)
  })

  it('says at which byte a truncated payload ends and how long the file should be', () => {
    const bytes = framed().subarray(0, 40)
    expect(problem(bytes).message).toBe(`${PATH} is truncated at byte 40 of ${CHECKPOINT_HEADER_BYTES + payload.byteLength} (a torn write or an incomplete copy)`)
  })

  it('says when the header itself is cut, and treats an empty file as truncated', () => {
    expect(problem(framed().subarray(0, 10)).message).toMatch(new RegExp(`^${PATH} is truncated at byte 10 of at least 24 `))
    expect(problem(new Uint8Array()).message).toMatch(/is truncated at byte 0 of at least 24/)
    expect(problem(framed().subarray(0, 3)).message).toMatch(/is truncated at byte 3 of at least 24/)
  })

  it('detects a flipped payload byte as a checksum mismatch', () => {
    const bytes = framed()
    bytes[CHECKPOINT_HEADER_BYTES + 5] = (bytes[CHECKPOINT_HEADER_BYTES + 5] as number) ^ 0x01
    expect(problem(bytes).message).toMatch(new RegExp(`^${PATH} is corrupt: checksum mismatch \\(CRC-32 of its 43-byte payload is [0-9a-f]{8}, the header says [0-9a-f]{8}\\)$`))
  })

  it('detects a damaged length field as a corrupt header, not as truncation', () => {
    const bytes = framed()
    bytes[15] = (bytes[15] as number) ^ 0x40
    expect(problem(bytes).message).toMatch(/is corrupt: header checksum mismatch/)
  })

  it('refuses a file that is not a checkpoint file, showing its first bytes', () => {
    expect(problem(Buffer.from('{"batchTime": 1}')).message).toBe(
      `${PATH} is not a sluice checkpoint file: it starts with 7b 22 62 61, not the magic bytes 53 4c 43 4b ("SLCK")`,
    )
  })

  it('refuses a file from a newer format version, saying which version and that a newer sluice wrote it', () => {
    const bytes = framed()
    bytes.writeUInt16BE(CHECKPOINT_FORMAT_VERSION + 1, 4)
    expect(problem(bytes).message).toBe(
      `${PATH} was written by a newer sluice: checkpoint format version ${CHECKPOINT_FORMAT_VERSION + 1}, while this sluice reads versions up to ${CHECKPOINT_FORMAT_VERSION}; ` +
        'recover with that newer sluice, or start over with a new checkpoint directory',
    )
  })

  it('refuses a file of another kind than expected', () => {
    const image = frameCheckpointFile(CheckpointFileKind.stateImage, payload)
    expect(problem(image, CheckpointFileKind.record).message).toBe(`${PATH} holds a state image, not a checkpoint record`)
  })

  it('refuses bytes after the payload', () => {
    expect(problem(Buffer.concat([framed(), Buffer.from([1, 2, 3])])).message).toBe(`${PATH} is corrupt: 3 unexpected bytes follow its payload, which ends at byte 67`)
  })
})
