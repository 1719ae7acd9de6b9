/**
 * A line server for the streaming examples: the stand-in for `nc -lk 9999`
 * that Spark's examples use. It sends lines typed on stdin, or the lines of
 * a file, to every connected client, and logs connections to stderr.
 *
 *   npx tsx examples/line-server.ts [--port 9999] [--file path] [--rate linesPerSecond] [--repeat]
 *
 * With --file, sending starts when the first client connects and pauses
 * while none is connected; --rate paces it, --repeat starts the file over
 * at its end. Other programs reuse the server through `startLineServer`.
 */
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { type AddressInfo, createServer, type Socket } from 'node:net'
import { createInterface } from 'node:readline'
import { setTimeout as delay } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

export interface LineServerOptions {
  /** The port to listen on; 0 picks a free one. Default 9999. */
  readonly port?: number
  /** The address to listen on. Default: every interface, as `nc -l`. */
  readonly host?: string
  /** Lines to send: an array (which `repeat` can start over) or an async iterable such as stdin's lines. */
  readonly lines?: readonly string[] | AsyncIterable<string>
  /** Lines per second; default: as fast as the clients read them. */
  readonly rate?: number
  /** Start the array of lines over when it ends. */
  readonly repeat?: boolean
  /** Where connection messages go. Default: stderr. */
  readonly log?: (message: string) => void
}

export interface LineServer {
  readonly port: number
  /** Clients connected now. */
  readonly clients: number
  /** Sends lines to every connected client now. */
  send(...lines: string[]): void
  /** Resolves when every line of `options.lines` has been sent (never, with `repeat`). */
  readonly finished: Promise<void>
  close(): Promise<void>
}

const BURST_LINES = 1000
const RATE_TICK_MS = 10

/**
 * Starts a server that sends `lines` to every connected client.
 *
 * @example
 * const server = await startLineServer({ port: 0, lines: ['a b', 'b c'], repeat: true, rate: 100 })
 * ssc.socketTextStream('localhost', server.port)
 */
export async function startLineServer(options: LineServerOptions = {}): Promise<LineServer> {
  const { port = 9999, host, lines = [], rate, repeat = false, log = (message: string) => process.stderr.write(`${message}\n`) } = options
  if (rate !== undefined && !(rate > 0)) throw new RangeError(`rate must be a positive number of lines per second, got ${rate}`)
  const clients = new Set<Socket>()
  let wakeSender: (() => void) | null = null
  let closed = false

  const server = createServer((socket) => {
    const name = `${socket.remoteAddress}:${socket.remotePort}`
    clients.add(socket)
    log(`line-server: ${name} connected (${clients.size} connected)`)
    socket.on('error', (error) => log(`line-server: ${name}: ${error.message}`))
    socket.once('close', () => {
      clients.delete(socket)
      log(`line-server: ${name} disconnected (${clients.size} connected)`)
    })
    // Typed input is not for the server: ignore what clients send.
    socket.resume()
    wakeSender?.()
  })
  server.listen(port, host)
  await once(server, 'listening')

  const send = async (text: string): Promise<void> => {
    const slow = [...clients].filter((socket) => !socket.write(text))
    // Back-pressure: wait for the slowest client to drain (or to go away).
    await Promise.all(slow.map(drained))
  }

  const untilClient = async (): Promise<void> => {
    while (clients.size === 0 && !closed) await new Promise<void>((resolve) => (wakeSender = resolve))
    wakeSender = null
  }

  const sendAll = async (): Promise<void> => {
    // The pace is kept from when the current client arrived, so a pause without clients is not made up in a burst.
    let startedAt = Date.now()
    let sent = 0
    let burst: string[] = []
    const flush = async (): Promise<void> => {
      if (burst.length === 0) return
      const text = `${burst.join('\n')}\n`
      burst = []
      await send(text)
    }
    for (;;) {
      for await (const line of Array.isArray(lines) ? lines : (lines as AsyncIterable<string>)) {
        if (closed) return
        if (clients.size === 0) {
          await flush()
          await untilClient()
          if (closed) return
          startedAt = Date.now()
          sent = 0
        }
        burst.push(line)
        sent++
        if (rate !== undefined) {
          const dueAt = startedAt + (sent * 1000) / rate
          if (dueAt - Date.now() >= RATE_TICK_MS || burst.length >= BURST_LINES) {
            await flush()
            await delay(Math.max(0, dueAt - Date.now()))
          }
        } else if (burst.length >= BURST_LINES || !Array.isArray(lines)) {
          await flush()
        }
      }
      await flush()
      if (!repeat || !Array.isArray(lines) || lines.length === 0) return
    }
  }

  const finished = sendAll()
  finished.catch((error: unknown) => log(`line-server: stopped sending: ${error instanceof Error ? error.message : String(error)}`))

  return {
    port: (server.address() as AddressInfo).port,
    get clients() {
      return clients.size
    },
    send: (...more) => void send(`${more.join('\n')}\n`),
    finished,
    close: async () => {
      closed = true
      wakeSender?.()
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()))
      for (const socket of clients) socket.end(() => socket.destroy())
      await serverClosed
    },
  }
}

function drained(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done)
      socket.off('close', done)
      resolve()
    }
    socket.on('drain', done)
    socket.on('close', done)
  })
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '9999' },
      file: { type: 'string' },
      rate: { type: 'string' },
      repeat: { type: 'boolean', default: false },
    },
  })
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`--port must be a port number, got ${values.port}`)
  const rate = values.rate === undefined ? undefined : Number(values.rate)
  const lines = values.file === undefined
    ? createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })
    : readFileSync(values.file, 'utf8').split(/\r?\n/).filter((line, i, all) => i < all.length - 1 || line !== '')
  const server = await startLineServer({ port, lines, ...(rate === undefined ? {} : { rate }), repeat: values.repeat })
  process.stderr.write(`line-server: listening on port ${server.port}; ${values.file === undefined ? 'type lines to send them' : `sending ${values.file}`}\n`)
  process.once('SIGINT', () => void server.close().then(() => process.exit(0)))
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`line-server: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  })
}
