import { CheckpointError } from '../common/errors.js'
import { STREAM_ID, isStateFilePath } from './checkpoint-layout.js'

/** A state file as a record refers to it: where it is and what it must contain. */
export interface StateFileRef {
  /** Path relative to the checkpoint directory, `/`-separated: `state/<stream>/part-00000-image-<version>`. */
  readonly file: string
  readonly version: number
  /** Payload length and CRC-32, checked against the file's own header when it is read back. */
  readonly length: number
  readonly crc: number
}

/** The state of one partition of one stateful stream: an image and the changes of later batches. */
export interface PartitionStateRef {
  readonly stream: string
  readonly partition: number
  /** The version (batch time) of the image; with `base` null, the partition was empty at that version. */
  readonly baseVersion: number | null
  readonly base: StateFileRef | null
  readonly deltas: readonly StateFileRef[]
}

/** The payload of `checkpoint-<batchTimeMs>` (msgpack). */
export interface CheckpointRecord {
  readonly batchTimeMs: number
  /** Wall-clock time of the write, epoch ms: for people reading logs, never for decisions. */
  readonly writtenAtMs: number
  /** msgpack of the streaming layer's progress record, opaque here (see checkpoint/README.md). */
  readonly progress: Uint8Array
  readonly state: readonly PartitionStateRef[]
}

/** Checks that a decoded payload has the shape of a `CheckpointRecord`, naming the first field that does not. */
export function parseCheckpointRecord(value: unknown, path: string): CheckpointRecord {
  const fail = (what: string): never => {
    throw new CheckpointError(`${path} passed its checksum but does not hold a valid checkpoint record: ${what}`)
  }
  if (!isObject(value)) return fail(`its payload is ${describe(value)}, not an object`)
  const { batchTimeMs, writtenAtMs, state } = value
  if (!isVersion(batchTimeMs)) fail(`batchTimeMs is ${describe(batchTimeMs)}`)
  if (typeof writtenAtMs !== 'number') fail(`writtenAtMs is ${describe(writtenAtMs)}`)
  if (!(value.progress instanceof Uint8Array)) fail(`progress is ${describe(value.progress)}, not bytes`)
  if (!Array.isArray(state)) return fail(`state is ${describe(state)}, not an array`)
  state.forEach((entry: unknown, i) => checkPartitionState(entry, `state[${i}]`, fail))
  return value as unknown as CheckpointRecord
}

function checkPartitionState(entry: unknown, where: string, fail: (what: string) => never): void {
  if (!isObject(entry)) return fail(`${where} is ${describe(entry)}`)
  if (typeof entry.stream !== 'string' || !STREAM_ID.test(entry.stream)) fail(`${where}.stream is ${describe(entry.stream)}`)
  if (!isVersion(entry.partition)) fail(`${where}.partition is ${describe(entry.partition)}`)
  if (entry.baseVersion !== null && !isVersion(entry.baseVersion)) fail(`${where}.baseVersion is ${describe(entry.baseVersion)}`)
  if (entry.base !== null) checkFileRef(entry.base, `${where}.base`, fail)
  if (!Array.isArray(entry.deltas)) return fail(`${where}.deltas is ${describe(entry.deltas)}`)
  entry.deltas.forEach((delta: unknown, i) => checkFileRef(delta, `${where}.deltas[${i}]`, fail))
}

function checkFileRef(ref: unknown, where: string, fail: (what: string) => never): void {
  if (!isObject(ref)) return fail(`${where} is ${describe(ref)}`)
  if (typeof ref.file !== 'string' || !isStateFilePath(ref.file)) fail(`${where}.file is ${describe(ref.file)}`)
  for (const field of ['version', 'length', 'crc'] as const) {
    if (!isVersion(ref[field])) fail(`${where}.${field} is ${describe(ref[field])}`)
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isVersion(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing'
  try {
    const text = JSON.stringify(value)
    return text.length > 60 ? `${text.slice(0, 57)}...` : text
  } catch {
    return String(value)
  }
}
