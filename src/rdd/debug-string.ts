import type { RDD } from './rdd.js'

/**
 * The lineage of an RDD as Spark's `toDebugString` prints it: one line per
 * RDD, indented one level at each shuffle (a stage boundary, drawn `+-`),
 * with the partition count at the start of each stage.
 */
export function debugString(rdd: RDD<unknown>): string {
  return first(rdd).join('\n')
}

function describe(rdd: RDD<unknown>): string {
  return `${rdd} [${rdd.storageLevel === 'NONE' ? '' : 'Memory Serialized 1x Replicated'}]`
}

function first(rdd: RDD<unknown>): string[] {
  const partitions = `(${rdd.getNumPartitions()})`
  const offset = Math.floor((partitions.length - 1) / 2)
  const nextPrefix = `${' '.repeat(offset)}|${' '.repeat(partitions.length - offset)}`
  return [`${partitions} ${describe(rdd)}`, ...children(rdd, nextPrefix)]
}

function shuffle(rdd: RDD<unknown>, prefix: string, isLastChild: boolean): string[] {
  const partitions = `(${rdd.getNumPartitions()})`
  const offset = Math.floor((partitions.length - 1) / 2)
  const thisPrefix = prefix.replace(/\|\s+$/, '')
  const nextPrefix = `${thisPrefix}${isLastChild ? '  ' : '| '}${' '.repeat(offset)}|${' '.repeat(partitions.length - offset)}`
  return [`${thisPrefix}+-${partitions} ${describe(rdd)}`, ...children(rdd, nextPrefix)]
}

function children(rdd: RDD<unknown>, prefix: string): string[] {
  const dependencies = rdd.isCheckpointed() ? [] : rdd.dependencies
  return dependencies.flatMap((dependency, index) => {
    const isLast = index === dependencies.length - 1
    return dependency.kind === 'shuffle' ? shuffle(dependency.rdd, prefix, isLast) : [`${prefix}${describe(dependency.rdd)}`, ...children(dependency.rdd, prefix)]
  })
}
