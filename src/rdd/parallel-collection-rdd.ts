import type { SparkContext } from '../spark-context.js'
import { NotSerializableError } from '../common/errors.js'
import { encodeShared } from '../serde/index.js'
import type { Dependency } from './dependency.js'
import { RDD } from './internal.js'
import type { PlanNode } from './plan.js'

/**
 * The RDD of `sc.parallelize(data, numSlices)`: the data cut into slices
 * as Spark cuts them (slice j holds items ⌊j·n/p⌋ .. ⌊(j+1)·n/p⌋−1), each
 * encoded once on the driver and shared with the workers.
 */
export class ParallelCollectionRDD<T> extends RDD<T> {
  readonly #slices: readonly (Uint8Array | null)[]

  constructor(context: SparkContext, data: readonly T[], numSlices: number, operation = 'parallelize') {
    super(context, operation)
    if (!Number.isInteger(numSlices) || numSlices < 0) throw new RangeError(`numSlices must be a whole number, got ${numSlices}`)
    try {
      this.#slices = Array.from({ length: numSlices }, (_, j) => {
        const start = Math.floor((j * data.length) / numSlices)
        const end = Math.floor(((j + 1) * data.length) / numSlices)
        return start === end ? null : encodeShared(data.slice(start, end), `${operation} data`)
      })
    } catch (error) {
      // A slice's error counts from the start of the slice; encoding the whole collection names the user's index.
      if (error instanceof NotSerializableError) encodeShared(data, `${operation} data`)
      throw error
    }
  }

  getNumPartitions(): number {
    return this.#slices.length
  }

  get dependencies(): readonly Dependency[] {
    return []
  }

  protected compute(partition: number): PlanNode {
    return { kind: 'data', bytes: this.#slices[partition] ?? null }
  }
}
