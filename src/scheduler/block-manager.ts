/** Cached partitions of persisted RDDs, kept encoded on the driver and shared with workers without a copy. */
export class BlockManager {
  readonly #blocks = new Map<number, Map<number, Uint8Array>>()

  put(rddId: number, partition: number, bytes: Uint8Array): void {
    let partitions = this.#blocks.get(rddId)
    if (partitions === undefined) {
      partitions = new Map()
      this.#blocks.set(rddId, partitions)
    }
    partitions.set(partition, bytes)
  }

  get(rddId: number, partition: number): Uint8Array | undefined {
    return this.#blocks.get(rddId)?.get(partition)
  }

  hasAll(rddId: number, numPartitions: number): boolean {
    return (this.#blocks.get(rddId)?.size ?? 0) === numPartitions
  }

  remove(rddId: number): void {
    this.#blocks.delete(rddId)
  }

  clear(): void {
    this.#blocks.clear()
  }
}
