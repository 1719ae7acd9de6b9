/**
 * Names of the files in a checkpoint directory (see checkpoint/README.md):
 *
 * ```
 * <dir>/checkpoint-<batchTimeMs>                               checkpoint record
 * <dir>/state/<stream>/part-<partition>-image-<versionMs>     state image of a partition
 * <dir>/state/<stream>/part-<partition>-changes-<versionMs>   one batch's changes to it
 * ```
 *
 * Partitions are written with at least five digits (`part-00003`), as Spark
 * names part files. Everything else in the directory is left alone.
 */
export const RECORD_PREFIX = 'checkpoint-'
export const STATE_DIRECTORY = 'state'

const RECORD_NAME = /^checkpoint-(\d+)$/
const STATE_FILE_NAME = /^part-(\d{5,})-(image|changes)-(\d+)$/
/** Stream ids become directory names: no separators, no dots, nothing a shell must quote. */
export const STREAM_ID = /^[A-Za-z0-9_-]{1,100}$/

export type StateFileKind = 'image' | 'changes'

export function recordName(batchTimeMs: number): string {
  return `${RECORD_PREFIX}${batchTimeMs}`
}

/** The batch time of a record file name, or null for any other name. */
export function parseRecordName(name: string): number | null {
  const match = RECORD_NAME.exec(name)
  return match === null ? null : Number(match[1])
}

/** `state/<stream>/part-00003-image-1700000003000`, relative to the checkpoint directory, with `/` separators. */
export function stateFilePath(stream: string, partition: number, kind: StateFileKind, version: number): string {
  return `${STATE_DIRECTORY}/${stream}/${stateFileName(partition, kind, version)}`
}

export function stateFileName(partition: number, kind: StateFileKind, version: number): string {
  return `part-${String(partition).padStart(5, '0')}-${kind}-${version}`
}

export interface StateFileName {
  readonly partition: number
  readonly kind: StateFileKind
  readonly version: number
}

export function parseStateFileName(name: string): StateFileName | null {
  const match = STATE_FILE_NAME.exec(name)
  if (match === null) return null
  return { partition: Number(match[1]), kind: match[2] as StateFileKind, version: Number(match[3]) }
}

/** Whether `path` (from a record read off disk) is a state file path this layout produces; guards against reading elsewhere. */
export function isStateFilePath(path: string): boolean {
  const [top, stream, name, ...rest] = path.split('/')
  return top === STATE_DIRECTORY && stream !== undefined && STREAM_ID.test(stream) && name !== undefined && parseStateFileName(name) !== null && rest.length === 0
}
