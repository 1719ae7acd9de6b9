import { statSync } from 'node:fs'
import { basename, resolve } from 'node:path'

import fg from 'fast-glob'

import type { SparkContext } from '../spark-context.js'
import type { Dependency } from './dependency.js'
import { RDD } from './internal.js'
import type { PlanNode } from './plan.js'

/** Hadoop's block size for the local file system: no split is larger. */
const BLOCK_BYTES = 32 * 1024 * 1024
/** Hadoop's SPLIT_SLOP: a last split may be up to 10% larger rather than leave a sliver. */
const SPLIT_SLOP = 1.1

interface FileSplit {
  readonly path: string
  readonly start: number
  readonly end: number
}

/**
 * `sc.textFile(path)`: the lines of one or more files, split into byte
 * ranges as Hadoop's FileInputFormat splits them. Workers read their own
 * range from disk; the driver only looks at file sizes. `path` may be a
 * file, a directory (its files, except those starting with `.` or `_`), a
 * glob, or a comma-separated list of these; an array names exact paths
 * (no globs, no commas), as a file stream passes the files it found.
 */
export class TextFileRDD extends RDD<string> {
  readonly #path: string | readonly string[]
  readonly #minPartitions: number
  #splits: readonly FileSplit[] | null = null

  constructor(context: SparkContext, path: string | readonly string[], minPartitions: number) {
    super(context, 'textFile')
    if (!Number.isInteger(minPartitions) || minPartitions < 1) throw new RangeError(`minPartitions must be a positive integer, got ${minPartitions}`)
    this.#path = path
    this.#minPartitions = minPartitions
    this.name = typeof path === 'string' ? path : path.join(',')
  }

  getNumPartitions(): number {
    return this.#computeSplits().length
  }

  get dependencies(): readonly Dependency[] {
    return []
  }

  protected compute(partition: number): PlanNode {
    const split = this.#computeSplits()[partition]
    if (split === undefined) throw new RangeError(`partition ${partition} of ${this} does not exist`)
    return { kind: 'textRange', path: split.path, start: split.start, end: split.end }
  }

  #computeSplits(): readonly FileSplit[] {
    this.#splits ??= splitFiles(listInputFiles(this.#path), this.#minPartitions)
    return this.#splits
  }
}

function listInputFiles(pathList: string | readonly string[]): { path: string; size: number }[] {
  if (typeof pathList !== 'string') return pathList.flatMap((path) => filesAt(resolve(path)))
  const files: { path: string; size: number }[] = []
  for (const entry of pathList.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    const matches = fg.isDynamicPattern(entry) ? fg.sync(entry, { absolute: true, onlyFiles: true }).sort() : [resolve(entry)]
    if (matches.length === 0) throw new Error(`Input Pattern ${entry} matches 0 files; check the path and the glob`)
    for (const match of matches) files.push(...filesAt(match))
  }
  return files
}

function filesAt(path: string): { path: string; size: number }[] {
  let stats
  try {
    stats = statSync(path)
  } catch {
    throw new Error(`Input path does not exist: ${path}; check the path given to textFile`)
  }
  if (stats.isFile()) return [{ path, size: stats.size }]
  return fg
    .sync('*', { cwd: path, absolute: true, onlyFiles: true })
    .filter((file) => !basename(file).startsWith('.') && !basename(file).startsWith('_'))
    .sort()
    .map((file) => ({ path: file, size: statSync(file).size }))
}

/** FileInputFormat.getSplits: split size = min(total / minPartitions, block size); an empty file is one empty split. */
function splitFiles(files: readonly { path: string; size: number }[], minPartitions: number): FileSplit[] {
  const total = files.reduce((sum, file) => sum + file.size, 0)
  const splitBytes = Math.max(1, Math.min(Math.floor(total / minPartitions), BLOCK_BYTES))
  const splits: FileSplit[] = []
  for (const { path, size } of files) {
    let start = 0
    while ((size - start) / splitBytes > SPLIT_SLOP) {
      splits.push({ path, start, end: start + splitBytes })
      start += splitBytes
    }
    if (size - start > 0 || size === 0) splits.push({ path, start, end: size })
  }
  return splits
}
