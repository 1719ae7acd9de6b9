export { RDD, ParallelCollectionRDD, TextFileRDD, MapPartitionsRDD, UnionRDD, CoalescedRDD, CartesianRDD, ShuffledRDD, CoGroupedRDD, ZippedWithIndexRDD, BlockRDD } from './internal.js'
export { HashPartitioner, Partitioner, RangePartitioner } from './partitioner.js'
export type { Dependency, NarrowDependency, ShuffleDependency } from './dependency.js'
