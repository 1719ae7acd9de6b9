/** The error `promise` rejects with, so a test can check its class, message and fields; fails if it resolves. */
export async function rejectionOf<E = Error>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise
  } catch (error) {
    return error as E
  }
  throw new Error('expected the promise to reject, but it resolved')
}

/** The error `attempt` throws synchronously; fails if it returns. */
export function thrownBy<E = Error>(attempt: () => unknown): E {
  try {
    attempt()
  } catch (error) {
    return error as E
  }
  throw new Error('expected the call to throw, but it returned')
}
