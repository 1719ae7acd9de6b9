import { once } from 'node:events'
import { connect, type Socket } from 'node:net'

import { describe, expect, it } from 'vitest'

import { type LineServer, startLineServer } from '../../examples/line-server.js'
import { waitUntil } from '../support/wait-until.js'

// examples/line-server.ts, the `nc -lk` of the streaming examples, as the demos reuse it.

/** A plain TCP client that collects the lines it reads. */
async function client(port: number): Promise<{ socket: Socket; lines: string[]; linesArrived(count: number): Promise<void> }> {
  const socket = connect({ host: '127.0.0.1', port })
  await once(socket, 'connect')
  const lines: string[] = []
  let text = ''
  let waiter: { count: number; resolve: () => void } | null = null
  socket.setEncoding('utf8')
  socket.on('data', (data: string) => {
    text += data
    const parts = text.split('\n')
    text = parts.pop() ?? ''
    lines.push(...parts)
    if (waiter !== null && lines.length >= waiter.count) waiter.resolve()
  })
  return {
    socket,
    lines,
    linesArrived: (count) => (lines.length >= count ? Promise.resolve() : new Promise((resolve) => (waiter = { count, resolve }))),
  }
}

async function withLineServer(options: Parameters<typeof startLineServer>[0], body: (server: LineServer, log: string[]) => Promise<void>): Promise<void> {
  const log: string[] = []
  const server = await startLineServer({ port: 0, host: '127.0.0.1', log: (message) => void log.push(message), ...options })
  try {
    await body(server, log)
  } finally {
    await server.close()
  }
}

describe('examples/line-server', () => {
  it('sends its lines once a client connects, and logs the connection', async () => {
    await withLineServer({ lines: ['a b', 'b c', 'ünïcödé'] }, async (server, log) => {
      const reader = await client(server.port)
      await reader.linesArrived(3)
      await server.finished

      expect(reader.lines).toEqual(['a b', 'b c', 'ünïcödé'])
      expect(log[0]).toMatch(/^line-server: .*127\.0\.0\.1:\d+ connected \(1 connected\)$/)
      reader.socket.destroy()
    })
  })

  it('starts the lines over with repeat', async () => {
    await withLineServer({ lines: ['x', 'y'], repeat: true, rate: 1000 }, async (server) => {
      const reader = await client(server.port)
      await reader.linesArrived(6)

      expect(reader.lines.slice(0, 6)).toEqual(['x', 'y', 'x', 'y', 'x', 'y'])
      reader.socket.destroy()
    })
  })

  it('sends what send() gets to every connected client', async () => {
    await withLineServer({}, async (server) => {
      const first = await client(server.port)
      const second = await client(server.port)
      await waitUntil(() => server.clients === 2, 'both clients were connected')
      server.send('typed line', 'another')
      await Promise.all([first.linesArrived(2), second.linesArrived(2)])

      expect([first.lines, second.lines]).toEqual([['typed line', 'another'], ['typed line', 'another']])
      first.socket.destroy()
      second.socket.destroy()
    })
  })
})
