/**
 * The one module through which the DStream classes import each other, so
 * that the base class is evaluated before its subclasses whatever module a
 * program imports first (see src/rdd/internal.ts).
 */
export * from './dstream.js'
export * from './transformed-dstream.js'
export * from './union-dstream.js'
export * from './windowed-dstream.js'
export * from './reduced-windowed-dstream.js'
export * from './state-dstream.js'
export * from './for-each-dstream.js'
export * from './input-dstream.js'
export * from './queue-input-dstream.js'
export * from './receiver-input-dstream.js'
export * from './socket-input-dstream.js'
export * from './file-input-dstream.js'
export * from './map-with-state-dstream.js'
export * as ops from './operations.js'
export * as pairs from './pair-operations.js'
export * as windows from './window-operations.js'
