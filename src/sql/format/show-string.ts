import type { DataType } from '../types/data-type.js'
import { cellString } from './cell-string.js'

/** Spark's minimum column width in `show()`. */
const MINIMUM_COLUMN_WIDTH = 3

/** Characters that take two columns on a terminal, as Spark's `Utils.stringHalfWidth` counts them. */
const FULL_WIDTH = /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/g

export interface ShowOptions {
  readonly numRows: number
  /** Cells longer than this are cut to it, ending in `...`; 0 for no truncation (cells then align left). */
  readonly truncate: number
  readonly vertical: boolean
}

/**
 * Spark's `Dataset.showString`: the table `show()` prints, from the first
 * `numRows + 1` rows (one more than shown, to know whether to say `only
 * showing top N rows`).
 *
 * @example
 * +-----+-----+
 * | word|total|
 * +-----+-----+
 * |hello|    2|
 * +-----+-----+
 */
export function showString(names: readonly string[], types: readonly DataType[], rows: readonly unknown[][], options: ShowOptions): string {
  const numRows = Math.max(0, options.numRows)
  const hasMoreData = rows.length > numRows
  const cells = [
    names.map(escapeMetaCharacters),
    ...rows.slice(0, numRows).map((row) => row.map((value, i) => truncateCell(escapeMetaCharacters(cellString(value, types[i]!)), options.truncate))),
  ]
  let out = options.vertical ? verticalTable(cells) : table(cells, options.truncate > 0)
  if (options.vertical && rows.length === 0) out += '(0 rows)\n'
  else if (hasMoreData) out += `only showing top ${numRows} ${numRows === 1 ? 'row' : 'rows'}\n`
  return out
}

function table(cells: readonly string[][], alignRight: boolean): string {
  const widths = cells[0]!.map(() => MINIMUM_COLUMN_WIDTH)
  for (const row of cells) row.forEach((cell, i) => (widths[i] = Math.max(widths[i]!, halfWidth(cell))))
  const separator = `+${widths.map((width) => '-'.repeat(width)).join('+')}+\n`
  const line = (row: readonly string[]): string =>
    `|${row.map((cell, i) => {
      const padding = ' '.repeat(widths[i]! - halfWidth(cell))
      return alignRight ? padding + cell : cell + padding
    }).join('|')}|\n`
  return separator + line(cells[0]!) + separator + cells.slice(1).map(line).join('') + separator
}

function verticalTable(cells: readonly string[][]): string {
  const [names = [], ...rows] = cells
  const nameWidth = names.reduce((widest, name) => Math.max(widest, halfWidth(name)), MINIMUM_COLUMN_WIDTH)
  const dataWidth = rows.reduce((widest, row) => Math.max(widest, ...row.map(halfWidth)), MINIMUM_COLUMN_WIDTH)
  let out = ''
  rows.forEach((row, i) => {
    out += `${`-RECORD ${i}`.padEnd(nameWidth + dataWidth + 5, '-')}\n`
    out += row.map((cell, j) => ` ${padRight(names[j]!, nameWidth)} | ${padRight(cell, dataWidth)} `).join('\n') + '\n'
  })
  return out
}

/** Cuts a cell longer than `truncate` to `truncate - 3` characters and `...` (no ellipsis below 4). */
function truncateCell(cell: string, truncate: number): string {
  if (truncate <= 0 || cell.length <= truncate) return cell
  return truncate < 4 ? cell.slice(0, truncate) : `${cell.slice(0, truncate - 3)}...`
}

/** Escapes characters that would break the table's lines, as Spark's `SchemaUtils.escapeMetaCharacters`. */
function escapeMetaCharacters(text: string): string {
  return text.replace(/[\n\r\t\f\b\v\x07]/g, (char) => ({ '\n': '\\n', '\r': '\\r', '\t': '\\t', '\f': '\\f', '\b': '\\b', '\v': '\\v', '\x07': '\\a' })[char]!)
}

function halfWidth(text: string): number {
  return text.length + (text.match(FULL_WIDTH)?.length ?? 0)
}

function padRight(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - halfWidth(text)))
}
