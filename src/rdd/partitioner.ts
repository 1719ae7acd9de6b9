import { hashKey, nonNegativeMod } from '../common/keys.js'
import { encodeShared } from '../serde/index.js'
import type { PartitionerSpec } from './plan.js'

/** Which partition each key of a pair RDD goes to; RDDs with equal partitioners are co-partitioned and join without a shuffle. */
export abstract class Partitioner {
  constructor(readonly numPartitions: number) {
    // Zero is allowed, as in Spark: an input without partitions (emptyRDD) hashes into none.
    if (!Number.isInteger(numPartitions) || numPartitions < 0) {
      throw new RangeError(`numPartitions must be a non-negative integer, got ${numPartitions}`)
    }
  }

  /** The wire form a worker partitions records with. */
  abstract spec(): PartitionerSpec

  abstract getPartition(key: unknown): number

  abstract equals(other: Partitioner | null): boolean
}

/** Spark's HashPartitioner: the key's value hash modulo the partition count, the same on every thread and process. */
export class HashPartitioner extends Partitioner {
  spec(): PartitionerSpec {
    return { kind: 'hash', numPartitions: this.numPartitions }
  }

  getPartition(key: unknown): number {
    return nonNegativeMod(hashKey(key), this.numPartitions)
  }

  equals(other: Partitioner | null): boolean {
    return other instanceof HashPartitioner && other.numPartitions === this.numPartitions
  }
}

/**
 * Spark's RangePartitioner: sorted keys split into ranges by bounds sampled
 * from the data, so partition i holds only keys below those of partition
 * i + 1 (or above, descending). The bounds come from a sampling job run
 * before the shuffle (see `ShuffledRDD.prepare`).
 */
export class RangePartitioner extends Partitioner {
  readonly #bounds: Uint8Array

  constructor(
    numPartitions: number,
    readonly bounds: readonly unknown[],
    readonly ascending: boolean,
  ) {
    super(numPartitions)
    this.#bounds = encodeShared(bounds, 'range partitioner bounds')
  }

  spec(): PartitionerSpec {
    return { kind: 'range', numPartitions: this.numPartitions, bounds: this.#bounds, ascending: this.ascending }
  }

  getPartition(): number {
    throw new TypeError('RangePartitioner places keys on the workers')
  }

  equals(other: Partitioner | null): boolean {
    return other === this
  }
}

/** Spark's `repartition`: records dealt out in turn; the result has no key partitioner. */
export class RoundRobinPartitioner extends Partitioner {
  spec(): PartitionerSpec {
    return { kind: 'roundRobin', numPartitions: this.numPartitions }
  }

  getPartition(): number {
    throw new TypeError('RoundRobinPartitioner places records, not keys')
  }

  equals(other: Partitioner | null): boolean {
    return other === this
  }
}
