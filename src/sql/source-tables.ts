import { logger } from '../common/logger.js'
import type { PlanOf } from './plan/logical-plan.js'

/** Unpinned tables kept for reuse by later actions on the same DataFrame, most recently used first. */
const KEEP_UNPINNED = 4

interface SourceEntry {
  readonly table: string
  readonly ready: Promise<void>
  /** Temp views whose DuckDB view reads this table. */
  readonly pins: Set<string>
  /** Actions running on it now. */
  inUse: number
  lastUsed: number
  /** Its last view was replaced: drop it as soon as no action uses it. */
  stale: boolean
}

/**
 * The DuckDB tables that hold the rows of `createDataFrame` DataFrames.
 * A DataFrame's rows are loaded when an action first needs them and kept
 * while a temp view uses them (pinned) and, beyond that, for the few most
 * recently used DataFrames. A table whose temp view is replaced (the
 * streaming bridge, every batch) is dropped as soon as no running action
 * reads it, so batches do not pile up tables; a DataFrame whose table was
 * dropped loads again if it is used again.
 */
export class SourceTables {
  readonly #entries = new Map<number, SourceEntry>()
  readonly #load: (plan: PlanOf<'LocalRelation'>, table: string) => Promise<void>
  readonly #drop: (table: string) => Promise<void>
  #nextTable = 1
  #clock = 0

  constructor(load: (plan: PlanOf<'LocalRelation'>, table: string) => Promise<void>, drop: (table: string) => Promise<void>) {
    this.#load = load
    this.#drop = drop
  }

  /** The relation's table, loaded if need be, held for the caller until `release(plan.id)`. */
  async acquire(plan: PlanOf<'LocalRelation'>): Promise<string> {
    let entry = this.#entries.get(plan.id)
    if (entry === undefined) {
      const table = `__sluice_df_${this.#nextTable++}`
      entry = { table, ready: this.#load(plan, table), pins: new Set(), inUse: 0, lastUsed: 0, stale: false }
      const created = entry
      this.#entries.set(plan.id, created)
      // A failed load is forgotten, so the next action tries again (and reports its own error).
      created.ready.catch(() => {
        if (this.#entries.get(plan.id) === created) this.#entries.delete(plan.id)
      })
    }
    entry.inUse++
    entry.lastUsed = ++this.#clock
    try {
      await entry.ready
    } catch (error) {
      entry.inUse--
      throw error
    }
    return entry.table
  }

  release(planId: number): void {
    const entry = this.#entries.get(planId)
    if (entry !== undefined) entry.inUse--
  }

  /** Records that temp view `view` now reads these relations' tables. */
  pin(view: string, planIds: Iterable<number>): void {
    for (const id of planIds) {
      const entry = this.#entries.get(id)
      if (entry === undefined) continue
      entry.pins.add(view)
      entry.stale = false
    }
  }

  /** Temp view `view` was replaced or dropped: its tables are no longer needed by it. */
  unpin(view: string): void {
    for (const entry of this.#entries.values()) {
      if (entry.pins.delete(view) && entry.pins.size === 0) entry.stale = true
    }
  }

  /** Drops stale tables and all but the most recently used unpinned ones, skipping any an action is reading. */
  async evict(): Promise<void> {
    const unpinned = [...this.#entries].filter(([, entry]) => entry.pins.size === 0 && entry.inUse === 0)
    unpinned.sort(([, a], [, b]) => b.lastUsed - a.lastUsed)
    const doomed = unpinned.filter(([, entry], rank) => entry.stale || rank >= KEEP_UNPINNED)
    for (const [id, entry] of doomed) {
      this.#entries.delete(id)
      try {
        await entry.ready
        await this.#drop(entry.table)
      } catch (error) {
        // Dropping is cleanup: a table that failed to load or to drop costs memory, not correctness.
        logger.debug('SparkSession', `Could not drop ${entry.table}: ${String(error)}`)
      }
    }
  }

  get size(): number {
    return this.#entries.size
  }
}
