/** Spark's log levels, most verbose first. */
export const LOG_LEVELS = ['ALL', 'TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL', 'OFF'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

const RANK: Readonly<Record<LogLevel, number>> = { ALL: 0, TRACE: 1, DEBUG: 2, INFO: 3, WARN: 4, ERROR: 5, FATAL: 6, OFF: 7 }

/**
 * The one logger of the process, as log4j is in a Spark driver: lines go to
 * stderr in Spark's layout (`26/11/22 03:04:05 WARN TaskSetManager: ...`) so
 * that program output on stdout stays clean.
 */
class Logger {
  #level: LogLevel = 'WARN'
  #write: (line: string) => void = (line) => process.stderr.write(line)

  get level(): LogLevel {
    return this.#level
  }

  setLevel(level: string): void {
    const upper = level.toUpperCase()
    if (!(LOG_LEVELS as readonly string[]).includes(upper)) {
      throw new RangeError(`Unknown log level ${JSON.stringify(level)}; use one of ${LOG_LEVELS.join(', ')}`)
    }
    this.#level = upper as LogLevel
  }

  /** Sends log lines elsewhere (tests capture them); returns a function that restores the previous destination. */
  redirect(write: (line: string) => void): () => void {
    const previous = this.#write
    this.#write = write
    return () => {
      this.#write = previous
    }
  }

  isEnabled(level: LogLevel): boolean {
    return RANK[level] >= RANK[this.#level] && level !== 'OFF'
  }

  log(level: LogLevel, source: string, message: string): void {
    if (this.isEnabled(level)) this.#write(`${timestamp(new Date())} ${level} ${source}: ${message}\n`)
  }

  debug(source: string, message: string): void {
    this.log('DEBUG', source, message)
  }

  info(source: string, message: string): void {
    this.log('INFO', source, message)
  }

  warn(source: string, message: string): void {
    this.log('WARN', source, message)
  }

  error(source: string, message: string): void {
    this.log('ERROR', source, message)
  }
}

function timestamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0')
  return `${two(date.getFullYear() % 100)}/${two(date.getMonth() + 1)}/${two(date.getDate())} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
}

export const logger = new Logger()
