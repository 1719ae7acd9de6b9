import { once } from 'node:events'
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'

/**
 * A TCP server on 127.0.0.1 for receiver tests, standing in for `nc -lk`:
 * it writes raw bytes to every connected client, so a test decides where
 * writes (and so, usually, packets) are cut.
 */
export interface TestTcpServer {
  readonly port: number
  /** Resolves once `count` clients have connected since the server started listening. */
  connections(count: number): Promise<void>
  /** Writes to every connected client; resolves when the bytes are handed to the OS. */
  write(data: string | Uint8Array): Promise<void>
  /** Ends every client connection (FIN after the data written so far), keeping the server listening. */
  endClients(): Promise<void>
  /** Stops listening and ends every client connection; `listen` starts it again on the same port. */
  close(): Promise<void>
  listen(): Promise<void>
}

/** Starts a server on `port` (an ephemeral port by default). */
export async function startTestTcpServer(port = 0): Promise<TestTcpServer> {
  const clients = new Set<Socket>()
  let connected = 0
  let waiters: { count: number; resolve: () => void }[] = []
  let server: Server | null = null

  const listen = async (): Promise<void> => {
    const next = createServer((socket) => {
      socket.setNoDelay(true)
      socket.on('error', () => {
        // A client that goes away mid-write is normal here; the test looks at what the receiver got.
      })
      clients.add(socket)
      socket.once('close', () => clients.delete(socket))
      connected++
      const due = waiters.filter((waiter) => waiter.count <= connected)
      waiters = waiters.filter((waiter) => waiter.count > connected)
      for (const waiter of due) waiter.resolve()
    })
    next.listen(port, '127.0.0.1')
    await once(next, 'listening')
    port = (next.address() as AddressInfo).port
    server = next
  }

  const endClients = async (): Promise<void> => {
    await Promise.all([...clients].map((socket) => new Promise<void>((resolve) => {
      if (socket.closed) return resolve()
      socket.once('close', () => resolve())
      socket.end()
    })))
  }

  await listen()
  return {
    get port() {
      return port
    },
    connections: (count) => (connected >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
    write: async (data) => {
      await Promise.all([...clients].map((socket) => new Promise<void>((resolve, reject) => socket.write(data, (error) => (error ? reject(error) : resolve())))))
    },
    endClients,
    close: async () => {
      const closing = server
      server = null
      if (closing === null) return
      const closed = new Promise<void>((resolve) => closing.close(() => resolve()))
      await endClients()
      await closed
    },
    listen,
  }
}

/** A port on 127.0.0.1 where nothing listens now: one a server just gave back. */
export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
