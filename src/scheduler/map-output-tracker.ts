/**
 * The driver's record of finished shuffle map tasks: for each shuffle, the
 * blocks every map partition wrote, one per reduce partition. Reduce tasks
 * are handed their column of blocks; the blocks stay, so a retried task or
 * a later job reuses them without running the map stage again.
 */
export class MapOutputTracker {
  readonly #outputs = new Map<number, (readonly (Uint8Array | null)[])[]>()

  register(shuffleId: number, outputs: (readonly (Uint8Array | null)[])[]): void {
    this.#outputs.set(shuffleId, outputs)
  }

  has(shuffleId: number): boolean {
    return this.#outputs.has(shuffleId)
  }

  blocksFor(shuffleId: number, reducePartition: number): (Uint8Array | null)[] {
    const outputs = this.#outputs.get(shuffleId)
    if (outputs === undefined) throw new Error(`Missing output of shuffle ${shuffleId}; its map stage has not run`)
    return outputs.map((blocks) => blocks[reducePartition] ?? null)
  }

  unregister(shuffleId: number): void {
    this.#outputs.delete(shuffleId)
  }

  clear(): void {
    this.#outputs.clear()
  }
}
