import { logger } from '../../src/common/logger.js'

/** The log lines written while a capture is active, in order. */
export interface LogCapture {
  readonly lines: string[]
  /** The captured lines at `level` (`WARN`, `ERROR`, ...), without their timestamps. */
  at(level: string): string[]
  clear(): void
  restore(): void
}

/** Sends the logger's lines to an array instead of stderr until `restore()`. */
export function captureLog(): LogCapture {
  const lines: string[] = []
  const restore = logger.redirect((line) => lines.push(line))
  return {
    lines,
    at: (level) => lines.map((line) => line.replace(/^\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d /, '').trimEnd()).filter((line) => line.startsWith(`${level} `)),
    clear: () => lines.splice(0),
    restore,
  }
}
