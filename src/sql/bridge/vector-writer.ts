import { createRequire } from 'node:module'

import type { DuckDBDataChunk } from '@duckdb/node-api'

/**
 * The few functions of DuckDB's C API that write a data chunk's vectors in
 * bulk. `@duckdb/node-api` uses them inside its vector classes but does not
 * re-export them, so they are loaded from its own dependency,
 * `@duckdb/node-bindings`, resolved from where node-api is installed.
 */
interface VectorBindings {
  data_chunk_get_vector(chunk: unknown, columnIndex: number): unknown
  copy_data_to_vector(vector: unknown, targetByteOffset: number, source: ArrayBuffer, sourceByteOffset: number, byteCount: number): void
  copy_data_to_vector_validity(vector: unknown, targetByteOffset: number, source: ArrayBuffer, sourceByteOffset: number, byteCount: number): void
  vector_ensure_validity_writable(vector: unknown): void
  vector_assign_string_element(vector: unknown, index: number, text: string): void
}

const requireHere = createRequire(import.meta.url)
const bindings = createRequire(requireHere.resolve('@duckdb/node-api'))('@duckdb/node-bindings') as VectorBindings

/**
 * Writes raw column bytes into one vector of a data chunk. The bindings
 * copy from ordinary ArrayBuffers only (not SharedArrayBuffers, on which
 * task results arrive), so bytes pass through a scratch buffer reused for
 * every chunk.
 */
export class VectorWriter {
  #scratch = new ArrayBuffer(2048 * 16)

  /** Copies `bytes` to the start of column `columnIndex`'s data. */
  copyData(chunk: DuckDBDataChunk, columnIndex: number, bytes: Uint8Array): void {
    const vector = bindings.data_chunk_get_vector(chunk.chunk, columnIndex)
    const [buffer, offset] = this.#stage(bytes)
    bindings.copy_data_to_vector(vector, 0, buffer, offset, bytes.byteLength)
  }

  /** Copies a validity bitmask (bit set = not null) over the column's. */
  copyValidity(chunk: DuckDBDataChunk, columnIndex: number, bits: Uint8Array): void {
    const vector = bindings.data_chunk_get_vector(chunk.chunk, columnIndex)
    bindings.vector_ensure_validity_writable(vector)
    const [buffer, offset] = this.#stage(bits)
    bindings.copy_data_to_vector_validity(vector, 0, buffer, offset, bits.byteLength)
  }

  /** Marks every row of the column null. */
  setAllNull(chunk: DuckDBDataChunk, columnIndex: number, rowCount: number): void {
    this.copyValidity(chunk, columnIndex, new Uint8Array(Math.ceil(rowCount / 64) * 8))
  }

  /** Stores a string too long to inline in the vector's own string heap. */
  assignString(chunk: DuckDBDataChunk, columnIndex: number, row: number, text: string): void {
    bindings.vector_assign_string_element(bindings.data_chunk_get_vector(chunk.chunk, columnIndex), row, text)
  }

  /** The bytes as an ArrayBuffer and offset the bindings accept. */
  #stage(bytes: Uint8Array): [ArrayBuffer, number] {
    if (bytes.buffer instanceof ArrayBuffer) return [bytes.buffer, bytes.byteOffset]
    if (this.#scratch.byteLength < bytes.byteLength) this.#scratch = new ArrayBuffer(bytes.byteLength)
    new Uint8Array(this.#scratch, 0, bytes.byteLength).set(bytes)
    return [this.#scratch, 0]
  }
}
