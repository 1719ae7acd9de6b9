import { basename, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const LIBRARY_ROOT = fileURLToPath(new URL('../', import.meta.url))

/**
 * Where user code called into the library, as `file.ts:line`, for RDD
 * descriptions such as `MapPartitionsRDD[3] at map at word-count.ts:12`
 * (Spark's CallSite). Frames inside the library and Node itself are skipped.
 */
export function userCallSite(): string {
  if (callSiteOverride !== null) return callSiteOverride
  const stack = new Error().stack ?? ''
  for (const line of stack.split('\n').slice(1)) {
    const match = /\(?((?:file:\/\/)?[^\s()]+):(\d+):\d+\)?$/.exec(line.trim())
    if (match === null) continue
    const location = match[1] ?? ''
    const path = location.startsWith('file://') ? fileURLToPath(location) : location
    if (path.startsWith(LIBRARY_ROOT) || path.startsWith('node:') || path.includes(`${sep}node_modules${sep}`)) continue
    return `${basename(path)}:${match[2]}`
  }
  return '<unknown>'
}

let callSiteOverride: string | null = null

/**
 * Runs `fn` with `site` as the call site of everything it creates: RDDs a
 * stream makes for a batch are described by where the stream was defined
 * (Spark's DStream.setCallSite), since no user code is on the stack then.
 */
export function withCallSite<T>(site: string, fn: () => T): T {
  const previous = callSiteOverride
  callSiteOverride = site
  try {
    return fn()
  } finally {
    callSiteOverride = previous
  }
}
