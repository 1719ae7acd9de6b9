import assert from 'node:assert'

import { RDD } from '../rdd/index.js'
import type { Dependency } from '../rdd/index.js'
import type { PlanNode } from '../rdd/plan.js'
import { encodeShared } from '../serde/index.js'
import type { DataFrame } from './data-frame.js'
import type { Row } from './row.js'

/**
 * `df.rdd`: a DataFrame's rows as an RDD of row objects. The query runs on
 * the driver's DuckDB when the first job on this RDD is planned; its rows
 * are then cut into `defaultParallelism` partitions, as `parallelize`
 * would, and shared with the workers.
 */
export class DataFrameRDD extends RDD<Row> {
  readonly #frame: DataFrame
  readonly #numSlices: number
  #slices: readonly (Uint8Array | null)[] | null = null

  constructor(frame: DataFrame) {
    const context = frame.sparkSession.sparkContext
    super(context, 'rdd')
    this.#frame = frame
    this.#numSlices = context.defaultParallelism
  }

  getNumPartitions(): number {
    return this.#numSlices
  }

  get dependencies(): readonly Dependency[] {
    return []
  }

  protected override async prepareOnce(): Promise<void> {
    const rows = await this.#frame.collect()
    this.#slices = Array.from({ length: this.#numSlices }, (_, j) => {
      const start = Math.floor((j * rows.length) / this.#numSlices)
      const end = Math.floor(((j + 1) * rows.length) / this.#numSlices)
      return start === end ? null : encodeShared(rows.slice(start, end), 'DataFrame rows')
    })
  }

  protected compute(partition: number): PlanNode {
    assert(this.#slices !== null, `partition ${partition} of ${this} computed before its query ran`)
    return { kind: 'data', bytes: this.#slices[partition] ?? null }
  }
}
