import assert from 'node:assert'

import { type DuckDBAppender, DuckDBDataChunk, type DuckDBType } from '@duckdb/node-api'

import type { DataTypeJson } from '../types/data-type.js'
import type { StructType } from '../types/struct-type.js'
import type { EncodedColumn } from './encode-column.js'
import type { EncodedPartition } from './encode-partition.js'
import { toDuckDBValue } from './to-duckdb-value.js'
import { VectorWriter } from './vector-writer.js'

/** DuckDB's vector size: rows per data chunk. */
const CHUNK_ROWS = 2048

/**
 * Appends encoded partitions to a table whose columns are `schema`'s, one
 * data chunk of 2048 rows at a time. Columns encoded in DuckDB's layout are
 * copied in bulk; a partition whose column was inferred narrower than the
 * table's (long where another partition made it double, or all null) is
 * widened here; nested values go through DuckDB's value converter.
 *
 * This is the hot path of `createDataFrame`: for a column of short strings
 * it is one copy per chunk, instead of one native call per value as
 * `DuckDBDataChunk.setColumns` makes.
 */
export function appendPartitions(appender: DuckDBAppender, schema: StructType, partitions: readonly EncodedPartition[]): void {
  const types: DuckDBType[] = schema.fields.map((_, c) => appender.columnType(c))
  const chunk = DuckDBDataChunk.create(types)
  const writer = new VectorWriter()
  const targetTypes = schema.fields.map((field) => JSON.stringify(field.dataType.json()))
  for (const partition of partitions) {
    const sources = schema.fields.map((field) => partition.names.indexOf(field.name))
    for (let start = 0; start < partition.count; start += CHUNK_ROWS) {
      const count = Math.min(CHUNK_ROWS, partition.count - start)
      chunk.reset()
      chunk.rowCount = count
      for (let c = 0; c < sources.length; c++) {
        const source = sources[c]!
        if (source < 0) {
          writer.setAllNull(chunk, c, count)
          continue
        }
        const column = partition.columns[source]!
        const from = partition.types[source]!
        writeColumn(writer, chunk, c, column, JSON.stringify(from) === targetTypes[c] ? null : from, start, count)
      }
      appender.appendDataChunk(chunk)
    }
  }
  appender.flushSync()
}

/** Writes rows `start` .. `start + count` of `column` into column `c`; `widenFrom` is the column's own type when it differs from the table's. */
function writeColumn(writer: VectorWriter, chunk: DuckDBDataChunk, c: number, column: EncodedColumn, widenFrom: DataTypeJson | null, start: number, count: number): void {
  switch (column.kind) {
    case 'null':
      writer.setAllNull(chunk, c, count)
      return
    case 'values':
      chunk.setColumnValuesConverted(c, column.values.slice(start, start + count), toDuckDBValue as never)
      return
    case 'fixed':
      if (widenFrom === null) {
        writer.copyData(chunk, c, column.bytes.subarray(start * column.width, (start + count) * column.width))
      } else {
        assert(widenFrom === 'long', `a ${JSON.stringify(widenFrom)} column can only be widened from long`)
        writer.copyData(chunk, c, longsAsDoubles(column.bytes, start, count))
      }
      break
    case 'string': {
      writer.copyData(chunk, c, column.bytes.subarray(start * 16, (start + count) * 16))
      // longRows is ascending: find the first row of this chunk, then assign until the chunk ends.
      let i = lowerBound(column.longRows, start)
      for (; i < column.longRows.length && column.longRows[i]! < start + count; i++) {
        writer.assignString(chunk, c, column.longRows[i]! - start, column.longValues[i]!)
      }
      break
    }
  }
  if (column.validity !== null) {
    // start is a multiple of 2048, so this chunk's bits begin on a byte (indeed a uint64) boundary.
    const offset = start / 8
    writer.copyValidity(chunk, c, column.validity.subarray(offset, offset + Math.ceil(count / 64) * 8))
  }
}

function longsAsDoubles(bytes: Uint8Array, start: number, count: number): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + start * 8, count * 8)
  const doubles = new Float64Array(count)
  for (let i = 0; i < count; i++) doubles[i] = view.getInt32(i * 8 + 4, true) * 4294967296 + view.getUint32(i * 8, true)
  return new Uint8Array(doubles.buffer)
}

function lowerBound(sorted: readonly number[], value: number): number {
  let low = 0
  let high = sorted.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (sorted[middle]! < value) low = middle + 1
    else high = middle
  }
  return low
}
