/**
 * Polls `condition` until it holds, for state that changes on real I/O
 * (bytes arriving on a socket) and so has no clock to move; fails with
 * `what` after `timeoutMs`. Each poll yields to the event loop for a
 * millisecond, so the I/O can run.
 */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
}
