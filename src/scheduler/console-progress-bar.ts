import { logger } from '../common/logger.js'

const FIRST_DRAW_AFTER_MS = 500
const REDRAW_EVERY_MS = 200
const WIDTH = 80

interface StageProgress {
  readonly stageId: number
  readonly total: number
  readonly startedAt: number
  completed: number
}

/**
 * Spark's ConsoleProgressBar: for stages that run longer than half a
 * second, a line such as `[Stage 1:=====>          (3 + 2) / 8]` on
 * stderr, redrawn in place and erased when the stages finish. Drawn only
 * on a terminal and when the log level is WARN or quieter, so it never
 * mixes with log lines or ends up in a file.
 */
export class ConsoleProgressBar {
  readonly #threads: number
  readonly #stages = new Map<number, StageProgress>()
  #timer: NodeJS.Timeout | null = null
  #drawn = false

  constructor(threads: number) {
    this.#threads = threads
  }

  static isWanted(setting: boolean): boolean {
    return setting && process.stderr.isTTY === true && !logger.isEnabled('INFO')
  }

  stageStarted(stageId: number, total: number): void {
    this.#stages.set(stageId, { stageId, total, startedAt: Date.now(), completed: 0 })
    // The timer must not keep a finished program alive.
    this.#timer ??= setInterval(() => this.#draw(), REDRAW_EVERY_MS).unref()
  }

  taskCompleted(stageId: number): void {
    const stage = this.#stages.get(stageId)
    if (stage !== undefined) stage.completed++
  }

  stageFinished(stageId: number): void {
    this.#stages.delete(stageId)
    if (this.#stages.size > 0) return
    if (this.#timer !== null) clearInterval(this.#timer)
    this.#timer = null
    if (this.#drawn) process.stderr.write(`\r${' '.repeat(WIDTH)}\r`)
    this.#drawn = false
  }

  #draw(): void {
    const now = Date.now()
    const shown = [...this.#stages.values()].filter((stage) => now - stage.startedAt >= FIRST_DRAW_AFTER_MS).slice(0, 3)
    if (shown.length === 0) return
    const width = Math.floor(WIDTH / shown.length)
    process.stderr.write(`\r${shown.map((stage) => this.#bar(stage, width)).join('')}`)
    this.#drawn = true
  }

  #bar(stage: StageProgress, width: number): string {
    const running = Math.min(this.#threads, stage.total - stage.completed)
    const header = `[Stage ${stage.stageId}:`
    const tailer = `(${stage.completed} + ${running}) / ${stage.total}]`
    const room = width - header.length - tailer.length
    if (room <= 0) return `${header}${tailer}`
    const done = Math.floor((stage.completed * room) / stage.total)
    return `${header}${'='.repeat(done)}${done < room ? '>' : ''}${' '.repeat(Math.max(0, room - done - 1))}${tailer}`
  }
}
