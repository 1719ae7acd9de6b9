/**
 * A segment's name says where it falls in the log and which record times it
 * may hold: `log-<sequence>-<startMs>-<endMs>`, the sequence counting
 * segments in the order they were started (zero-padded to 10 digits, so
 * names also sort in that order), and every record in it having
 * `startMs <= time < endMs`. Cleaning by time needs only the names.
 */
export interface SegmentName {
  readonly sequence: number
  readonly startMs: number
  readonly endMs: number
}

const SEGMENT_NAME = /^log-(\d{10,})-(\d+)-(\d+)$/

export function segmentName({ sequence, startMs, endMs }: SegmentName): string {
  return `log-${String(sequence).padStart(10, '0')}-${startMs}-${endMs}`
}

export function parseSegmentName(name: string): SegmentName | null {
  const match = SEGMENT_NAME.exec(name)
  return match === null ? null : { sequence: Number(match[1]), startMs: Number(match[2]), endMs: Number(match[3]) }
}
