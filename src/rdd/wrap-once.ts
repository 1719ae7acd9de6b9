const wrappers = new WeakMap<object, Map<string, unknown>>()

/**
 * The wrapper an operation builds around a user's function, made once per
 * function object. A stream applies the same functions to a new RDD every
 * batch; reusing the wrapper keeps its shipped id, so workers compile it
 * once instead of once per batch.
 */
export function wrapOnce<W>(fn: object, operation: string, make: () => W): W {
  let byOperation = wrappers.get(fn)
  if (byOperation === undefined) {
    byOperation = new Map()
    wrappers.set(fn, byOperation)
  }
  if (!byOperation.has(operation)) byOperation.set(operation, make())
  return byOperation.get(operation) as W
}
