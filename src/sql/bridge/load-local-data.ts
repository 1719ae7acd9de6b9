import { capture } from '../../closure/ship.js'
import { AnalysisError } from '../../common/errors.js'
import type { RDD } from '../../rdd/index.js'
import type { PlanOf } from '../plan/logical-plan.js'
import type { DataTypeJson, StructFieldJson } from '../types/data-type.js'
import { dataTypeFromJson } from '../types/parse-data-type.js'
import { StructField, StructType } from '../types/struct-type.js'
import type { DuckDBEngine } from './duckdb-engine.js'
import { type EncodedPartition, encodePartition } from './encode-partition.js'
import { mergeTypes } from './infer-type.js'

/**
 * Loads a LocalRelation's rows into DuckDB table `table`. An RDD's
 * partitions are encoded into columns by the workers, in parallel, and
 * come back as DuckDB-ready bytes (see encode-column.ts); an array is
 * encoded on the driver. Without a schema, the partitions' inferred types
 * are merged (long with double makes double).
 */
export async function loadLocalData(plan: PlanOf<'LocalRelation'>, table: string, engine: DuckDBEngine): Promise<void> {
  const fields = plan.schema === null ? null : structFields(plan.schema)
  let partitions =
    plan.data.kind === 'rows' ? [encodePartition(plan.data.rows, fields)] : await encodeOnWorkers(plan.data.rdd, fields)
  let schema = plan.schema ?? mergedSchema(partitions)
  if (plan.columnNames !== null) ({ schema, partitions } = renamed(schema, partitions, plan.columnNames))
  if (schema.length === 0) {
    throw new AnalysisError(
      'Cannot infer a schema from an empty dataset: there are no rows to take column names and types from. ' +
        'Give createDataFrame a schema (e.g. "word string"), or skip empty batches with `if (await rdd.isEmpty()) return`',
    )
  }
  await engine.createTable(table, schema, partitions)
}

/** The shipped encoders by schema: capture() parses a function's source, too slow to repeat every batch. */
const encoders = new Map<string, (rows: IterableIterator<unknown>) => EncodedPartition[]>()
const MAX_ENCODERS = 64

async function encodeOnWorkers(rdd: RDD<unknown>, fields: readonly StructFieldJson[] | null): Promise<EncodedPartition[]> {
  const key = JSON.stringify(fields)
  let encode = encoders.get(key)
  if (encode === undefined) {
    if (encoders.size >= MAX_ENCODERS) encoders.clear()
    encode = capture({ encodePartition, fields }, (rows: IterableIterator<unknown>) => [encodePartition(rows, fields)])
    encoders.set(key, encode)
  }
  const parts = await rdd.context.runJob<EncodedPartition[]>(rdd.mapPartitions(encode), { kind: 'collect' })
  return parts.flat()
}

/** The columns of all partitions, in order of first appearance, each with the merge of its partitions' types. */
function mergedSchema(partitions: readonly EncodedPartition[]): StructType {
  const types = new Map<string, DataTypeJson>()
  for (const partition of partitions) {
    partition.names.forEach((name, i) => {
      types.set(name, mergeTypes(types.get(name) ?? 'void', partition.types[i]!, `field ${name}`))
    })
  }
  return new StructType([...types].map(([name, type]) => new StructField(name, dataTypeFromJson(type))))
}

/** createDataFrame(data, ['a', 'b']): the inferred columns renamed by position. */
function renamed(schema: StructType, partitions: EncodedPartition[], names: readonly string[]): { schema: StructType; partitions: EncodedPartition[] } {
  if (names.length !== schema.length) {
    throw new AnalysisError(`createDataFrame was given ${names.length} column names (${names.join(', ')}) but the rows have ${schema.length} columns (${schema.fieldNames().join(', ')}); give one name per column`)
  }
  const byOldName = new Map(schema.fields.map((field, i) => [field.name, names[i]!]))
  return {
    schema: new StructType(schema.fields.map((field, i) => new StructField(names[i]!, field.dataType, field.nullable))),
    partitions: partitions.map((partition) => ({ ...partition, names: partition.names.map((name) => byOldName.get(name) ?? name) })),
  }
}

function structFields(schema: StructType): StructFieldJson[] {
  return schema.fields.map((field) => ({ name: field.name, type: field.dataType.json(), nullable: field.nullable }))
}
