export { capture } from './closure/ship.js'
export { Broadcast } from './closure/broadcast.js'
export { LongAccumulator } from './closure/accumulator.js'
export {
  AnalysisError,
  CheckpointError,
  ClosureError,
  IllegalStateError,
  NotSerializableError,
  ParseError,
  ReceiverError,
  SluiceError,
  TaskFailedError,
  UnsupportedOperationError,
} from './common/errors.js'
export { KeyMap } from './common/keys.js'
export { LOG_LEVELS, type LogLevel } from './common/logger.js'
export { SparkConf } from './common/spark-conf.js'
export { HashPartitioner, Partitioner, RDD } from './rdd/index.js'
export { SparkContext } from './spark-context.js'
export { type Clock, ManualClock, SystemClock } from './common/clock.js'
export { Duration, type DurationLike, Milliseconds, Minutes, Seconds, Time } from './common/time.js'
export * from './streaming/index.js'
export * from './receiver/index.js'
export * from './state/index.js'
export * from './sql/index.js'
