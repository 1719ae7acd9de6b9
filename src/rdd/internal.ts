/**
 * The one module through which the RDD classes import each other. `RDD`'s
 * methods construct its subclasses and the subclasses extend `RDD`, an
 * import cycle; ES modules evaluate a cycle in first-import order, so this
 * file fixes that order (base class first) for every entry point. Modules
 * outside this folder import from `./index.js`, which starts here.
 */
export * from './rdd.js'
export * from './parallel-collection-rdd.js'
export * from './text-file-rdd.js'
export * from './map-partitions-rdd.js'
export * from './union-rdd.js'
export * from './coalesced-rdd.js'
export * from './cartesian-rdd.js'
export * from './shuffled-rdd.js'
export * from './cogrouped-rdd.js'
export * from './zipped-with-index-rdd.js'
export * from './block-rdd.js'
export * as ops from './transformations.js'
export * as pairs from './pair-functions.js'
export * as actions from './actions.js'
