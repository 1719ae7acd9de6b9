import { capture } from '../../src/index.js'

/**
 * A function for `map` that makes its task wait until tasks on `expected`
 * different worker threads have arrived (or 5 s have passed), and returns
 * how many threads it saw. Each thread leaves a file named after its
 * thread id in `directory`, which must be empty and used for one job only.
 * With one task per thread, every task returns `expected` exactly when that
 * many threads run tasks at the same time.
 */
export function threadsMeetingAt(directory: string, expected: number): (value: unknown) => number {
  return capture({ directory, expected }, () => {
    const fs = process.getBuiltinModule('node:fs')
    const path = process.getBuiltinModule('node:path')
    const { threadId } = process.getBuiltinModule('node:worker_threads')
    fs.writeFileSync(path.join(directory, String(threadId)), '')
    const nap = new Int32Array(new SharedArrayBuffer(4))
    const deadline = Date.now() + 5000
    while (fs.readdirSync(directory).length < expected && Date.now() < deadline) Atomics.wait(nap, 0, 0, 5)
    return fs.readdirSync(directory).length
  })
}
