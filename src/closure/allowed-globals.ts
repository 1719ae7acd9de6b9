import { runInNewContext } from 'node:vm'

/**
 * The globals every Node.js worker thread has on top of JavaScript's own.
 * Listed by hand rather than read from this thread's `globalThis`, which may
 * carry globals that a test runner or the user's program added.
 */
const NODE_WORKER_GLOBALS = [
  'global', 'process', 'Buffer', 'console',
  'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate',
  'queueMicrotask', 'structuredClone', 'atob', 'btoa',
  'TextEncoder', 'TextDecoder', 'TextEncoderStream', 'TextDecoderStream', 'URL', 'URLSearchParams',
  'AbortController', 'AbortSignal', 'Event', 'EventTarget', 'CustomEvent', 'DOMException',
  'MessageChannel', 'MessagePort', 'MessageEvent', 'BroadcastChannel',
  'Blob', 'File', 'fetch', 'FormData', 'Headers', 'Request', 'Response',
  'ReadableStream', 'WritableStream', 'TransformStream', 'CompressionStream', 'DecompressionStream',
  'ByteLengthQueuingStrategy', 'CountQueuingStrategy',
  'performance', 'Performance', 'PerformanceEntry', 'PerformanceMark', 'PerformanceMeasure',
  'PerformanceObserver', 'PerformanceObserverEntryList', 'PerformanceResourceTiming',
  'crypto', 'Crypto', 'CryptoKey', 'SubtleCrypto',
]

/** esbuild's helper behind `keepNames`: tsx-compiled source calls `__name(fn, "name")`, and workers provide it. */
export const NAME_HELPER = '__name'

/** JavaScript's own globals come from a fresh context, so nothing this process defined leaks in. */
const ALLOWED_GLOBALS: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(runInNewContext('globalThis')),
  ...NODE_WORKER_GLOBALS,
  NAME_HELPER,
])

/** Whether a shipped function may read `name` without capturing it: a worker thread has it too. */
export function isAllowedGlobal(name: string): boolean {
  return ALLOWED_GLOBALS.has(name)
}
