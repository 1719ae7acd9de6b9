/** Base class: lets callers tell this library's failures from their own. */
export class SluiceError extends Error {
  override name = 'SluiceError'
}

/**
 * A function given to a transformation reads variables from its enclosing
 * scope. Shipped functions run on worker threads and see only JavaScript's
 * globals and what `capture(env, fn)` ships with them.
 */
export class ClosureError extends SluiceError {
  override name = 'ClosureError'

  constructor(
    message: string,
    readonly variables: readonly string[],
  ) {
    super(message)
  }
}

/** A value cannot be shipped between threads (a function inside data, a symbol, a class instance with methods). */
export class NotSerializableError extends SluiceError {
  override name = 'NotSerializableError'

  constructor(
    message: string,
    readonly path: string,
    readonly typeName: string,
  ) {
    super(message)
  }
}

/** A task threw (or its worker died) on every one of its allowed attempts. The last failure is kept as `cause`. */
export class TaskFailedError extends SluiceError {
  override name = 'TaskFailedError'

  constructor(
    message: string,
    readonly stageId: number,
    readonly partition: number,
    readonly attempts: number,
    readonly workerMessage: string,
    readonly workerStack: string,
    cause?: unknown,
  ) {
    super(message, { cause })
  }
}

/** An operation was called in a state that does not allow it (stopped context, started stream, ...). */
export class IllegalStateError extends SluiceError {
  override name = 'IllegalStateError'
}

/** An operation that has no answer for this input, such as `reduce` on an empty RDD (Spark's UnsupportedOperationException). */
export class UnsupportedOperationError extends SluiceError {
  override name = 'UnsupportedOperationError'
}

/** A checkpoint could not be written, read, or matched to the stream graph. */
export class CheckpointError extends SluiceError {
  override name = 'CheckpointError'
}

/** A receiver failed in a way it reports to the streaming context. */
export class ReceiverError extends SluiceError {
  override name = 'ReceiverError'
}

/** SQL that names a table or column that does not exist. */
export class AnalysisError extends SluiceError {
  override name = 'AnalysisError'
}

/** SQL that does not parse. */
export class ParseError extends SluiceError {
  override name = 'ParseError'
}
