/**
 * The wire form of a function given to a transformation: its source text and
 * the values it was captured with. The driver builds it once per function
 * object (`shipFunction`), task envelopes carry it to worker threads, and a
 * worker compiles it once per `id` (`compileShipped`). It holds plain data
 * only, so it survives structured clone and msgpack alike.
 */
export interface ShippedFunction {
  /** Unique per shipped function object on the driver; workers cache compiled functions by it. */
  readonly id: number
  /** The operation that took it (`map`, `reduceByKey`, ...), for messages and stack traces. */
  readonly operation: string
  /** A JavaScript expression that evaluates to the function. */
  readonly source: string
  /** The declared parameter count of the original function (its `length`). */
  readonly arity: number
  /** The names the source reads besides globals, bound when the worker compiles it. */
  readonly env: readonly ShippedBinding[]
}

/**
 * One name in a shipped function's environment. Values travel as data;
 * functions travel as shipped functions of their own; broadcasts and
 * accumulators travel as ids that the worker turns into handles.
 */
export type ShippedBinding =
  | { readonly name: string; readonly kind: 'value'; readonly value: unknown }
  | { readonly name: string; readonly kind: 'function'; readonly fn: ShippedFunction }
  | { readonly name: string; readonly kind: 'broadcast'; readonly id: number }
  | { readonly name: string; readonly kind: 'accumulator'; readonly id: number }
