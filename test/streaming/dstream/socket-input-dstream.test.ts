import { describe, expect, it } from 'vitest'

import { ManualClock, Seconds, StreamingContext, type SocketConverter } from '../../../src/index.js'
import { SocketInputDStream } from '../../../src/streaming/dstream/internal.js'
import { captureLog, type LogCapture } from '../../support/log-capture.js'
import { recordBatches, recordStreamingEvents, type RecordedBatch, type StreamingEventLog } from '../../support/receiver-recorder.js'
import { thrownBy } from '../../support/rejection.js'
import { sharedSparkContext } from '../../support/run-batches.js'
import { freePort, startTestTcpServer, type TestTcpServer } from '../../support/test-tcp-server.js'
import { waitUntil } from '../../support/wait-until.js'

// Real sockets on 127.0.0.1 and real worker threads; batches move with a ManualClock.
// Reconnection delays are wall-clock time, kept small here.
const FAST_RECONNECT = { reconnectDelayMs: 5, maxReconnectDelayMs: 20 } as const

interface SocketRun<T> {
  readonly ssc: StreamingContext
  readonly clock: ManualClock
  readonly stream: SocketInputDStream<T>
  readonly batches: RecordedBatch<T>[]
  readonly events: StreamingEventLog
  readonly log: LogCapture
  /** Runs the next batch. */
  nextBatch(): Promise<void>
  /** Waits until the receiver has stored `count` records since start (they arrive on real I/O). */
  received(count: number): Promise<void>
}

/** Runs `body` with a started context reading `define(ssc)`, then stops it; reconnection warnings go to `log`. */
async function withSocketStream<T>(define: (ssc: StreamingContext) => unknown, body: (run: SocketRun<T>) => Promise<void>): Promise<void> {
  const clock = new ManualClock()
  const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock })
  const log = captureLog()
  try {
    const stream = define(ssc)
    expect(stream).toBeInstanceOf(SocketInputDStream)
    const socketStream = stream as SocketInputDStream<T>
    const batches = recordBatches(socketStream)
    const events = recordStreamingEvents(ssc)
    await ssc.start()
    await body({
      ssc,
      clock,
      stream: socketStream,
      batches,
      events,
      log,
      nextBatch: () => clock.advance(Seconds(1)),
      received: (count) => waitUntil(() => socketStream.receivedRecords >= count, `${count} records were received (got ${socketStream.receivedRecords})`),
    })
  } finally {
    await ssc.stop(false)
    log.restore()
  }
}

async function withServer(body: (server: TestTcpServer) => Promise<void>): Promise<void> {
  const server = await startTestTcpServer()
  try {
    await body(server)
  } finally {
    await server.close()
  }
}

const records = <T>(batches: readonly RecordedBatch<T>[]): T[][] => batches.map((batch) => batch.records)

describe('socketTextStream', () => {
  it('receives the lines a server sends, each in the batch of its interval, and counts them in the BatchInfo', async () => {
    await withServer(async (server) => {
      await withSocketStream<string>((ssc) => ssc.socketTextStream('127.0.0.1', server.port), async (run) => {
        await server.connections(1)
        await server.write('hello world\r\nhello sluice\n')
        await run.received(2)
        await run.nextBatch()
        await run.nextBatch()
        await server.write('bye\n')
        await run.received(3)
        await run.nextBatch()

        expect(records(run.batches)).toEqual([['hello world', 'hello sluice'], [], ['bye']])
        expect(run.events.batches.map((info) => info.numRecords)).toEqual([2, 0, 1])
        expect(run.events.of('onReceiverStarted')).toEqual([expect.objectContaining({ name: `SocketReceiver-${run.stream.id}`, active: true })])
      })
    })
  })

  it('joins lines and UTF-8 characters that the server writes in pieces', async () => {
    await withServer(async (server) => {
      await withSocketStream<string>((ssc) => ssc.socketTextStream('127.0.0.1', server.port), async (run) => {
        await server.connections(1)
        const accented = Buffer.from('naïve café 日本語 🎉\n')
        const cut = accented.indexOf(Buffer.from('日')) + 1
        await server.write('first\npar')
        await run.received(1)
        await server.write('tial\n')
        await server.write(accented.subarray(0, cut))
        await run.received(2)
        await server.write(accented.subarray(cut, cut + 1))
        await server.write(accented.subarray(cut + 1))
        await run.received(3)
        await run.nextBatch()

        expect(records(run.batches)).toEqual([['first', 'partial', 'naïve café 日本語 🎉']])
      })
    })
  })

  it('delivers a last line without a newline when the server closes the connection', async () => {
    await withServer(async (server) => {
      await withSocketStream<string>((ssc) => ssc.socketTextStream('127.0.0.1', server.port, FAST_RECONNECT), async (run) => {
        await server.connections(1)
        await server.write('a\nno newline at the end')
        await server.endClients()
        await run.received(2)
        await run.nextBatch()

        expect(records(run.batches)).toEqual([['a', 'no newline at the end']])
      })
    })
  })

  it('reports and drops a line longer than maxLineBytes, naming the stream, the server and the length, and keeps the lines after it', async () => {
    await withServer(async (server) => {
      await withSocketStream<string>((ssc) => ssc.socketTextStream('127.0.0.1', server.port, { maxLineBytes: 64 }), async (run) => {
        await server.connections(1)
        await server.write(`short\n${'x'.repeat(50)}`)
        await run.received(1)
        await server.write(`${'x'.repeat(150)}\nafter\n`)
        await run.received(2)
        await run.nextBatch()

        expect(records(run.batches)).toEqual([['short', 'after']])
        const [error] = run.events.of('onReceiverError')
        expect(error?.lastErrorMessage).toBe(
          `Dropped a line of 200 bytes from ${run.stream} (127.0.0.1:${server.port}): it is longer than maxLineBytes (64); ` +
            'the lines around it are kept. Raise the maxLineBytes option if such lines are expected',
        )
        expect(run.log.at('WARN')).toEqual([expect.stringMatching(/^WARN ReceiverSupervisor: Error reported by receiver SocketReceiver-\d+ for SocketInputDStream\[\d+\] at socketTextStream at .*: Dropped a line of 200 bytes/)])
        expect(run.stream.receiver.isStarted()).toBe(true)
      })
    })
  })

  it('retries a server that is not up yet, reporting each refusal, and receives once it is', async () => {
    const port = await freePort()
    await withSocketStream<string>((ssc) => ssc.socketTextStream('127.0.0.1', port, FAST_RECONNECT), async (run) => {
      await run.events.waitFor('onReceiverError', 4)
      const server = await startTestTcpServer(port)
      try {
        await server.connections(1)
        await server.write('finally\n')
        await run.received(1)
        await run.nextBatch()

        expect(records(run.batches)).toEqual([['finally']])
        const refusals = run.events.of('onReceiverError')
        expect(refusals[0]?.lastErrorMessage).toBe(`Cannot connect to 127.0.0.1:${port} for ${run.stream}; retrying`)
        expect(refusals[0]?.lastError).toMatch(/ECONNREFUSED/)
        expect(run.log.at('WARN')[0]).toMatch(new RegExp(`^WARN ReceiverSupervisor: Restarting receiver SocketReceiver-\\d+ in 5 ms: Cannot connect to 127\\.0\\.0\\.1:${port} for .*; retrying - Error: connect ECONNREFUSED`))
        // The delay doubles on each refusal, up to its cap.
        expect(run.log.at('WARN').slice(0, 4).map((line) => Number(/ in (\d+) ms:/.exec(line)?.[1]))).toEqual([5, 10, 20, 20])
      } finally {
        await server.close()
      }
    })
  })

  it('loses no line the server sent before it went away, and reconnects when it is back', async () => {
    await withServer(async (server) => {
      await withSocketStream<string>((ssc) => ssc.socketTextStream('127.0.0.1', server.port, FAST_RECONNECT), async (run) => {
        await server.connections(1)
        const before = Array.from({ length: 1000 }, (_, i) => `line ${i}`)
        await server.write(`${before.join('\n')}\n`)
        await server.close()
        await run.events.waitFor('onReceiverError', 2)
        await run.received(before.length)
        await run.nextBatch()
        await server.listen()
        await server.connections(2)
        await server.write('back again\n')
        await run.received(before.length + 1)
        await run.nextBatch()

        expect(records(run.batches)).toEqual([before, ['back again']])
        const messages = run.events.of('onReceiverError').map((info) => info.lastErrorMessage)
        expect(messages[0]).toBe(`127.0.0.1:${server.port} closed the connection of ${run.stream}; reconnecting`)
        expect(messages.slice(1).every((message) => message.startsWith(`Cannot connect to 127.0.0.1:${server.port}`))).toBe(true)
      })
    })
  })

  it('rejects a bad port or option when the stream is defined, before any socket exists', async () => {
    const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock: new ManualClock() })
    try {
      const badPort = thrownBy(() => ssc.socketTextStream('127.0.0.1', 70_000))
      expect(badPort).toBeInstanceOf(RangeError)
      expect(badPort.message).toBe('socketTextStream port must be a whole number from 1 to 65535, got 70000')

      const badDelay = thrownBy(() => ssc.socketTextStream('127.0.0.1', 9999, { reconnectDelayMs: -1 }))
      expect(badDelay).toBeInstanceOf(RangeError)
      expect(badDelay.message).toBe('options.reconnectDelayMs must be a whole number of milliseconds, at least 0, got -1')

      expect(() => ssc.socketTextStream('', 9999)).toThrow(new TypeError('socketTextStream needs a host name or address, got ""'))
    } finally {
      await ssc.stop(false)
    }
  })
})

describe('socketStream', () => {
  it('stores what a converter makes of the bytes', async () => {
    // Newline-delimited JSON, decoded with the library's line splitter.
    const jsonLines: SocketConverter<{ n: number }> = async function* (bytes, context) {
      const { socketLines } = await import('../../../src/index.js')
      for await (const line of socketLines()(bytes, context)) yield JSON.parse(line) as { n: number }
    }
    await withServer(async (server) => {
      await withSocketStream<{ n: number }>((ssc) => ssc.socketStream('127.0.0.1', server.port, jsonLines), async (run) => {
        await server.connections(1)
        await server.write('{"n":1}\n{"n":2}\n{"n"')
        await server.write(':3}\n')
        await run.received(3)
        await run.nextBatch()

        expect(records(run.batches)).toEqual([[{ n: 1 }, { n: 2 }, { n: 3 }]])
      })
    })
  })

  it('reports a converter that throws and reconnects, without stopping the context', async () => {
    let connections = 0
    const failsOnFirstConnection: SocketConverter<string> = async function* (bytes) {
      const first = ++connections === 1
      for await (const chunk of bytes) {
        if (first) throw new Error('bad frame')
        yield Buffer.from(chunk).toString('utf8').trim()
      }
    }
    await withServer(async (server) => {
      await withSocketStream<string>((ssc) => ssc.socketStream('127.0.0.1', server.port, failsOnFirstConnection, FAST_RECONNECT), async (run) => {
        await server.connections(1)
        await server.write('x')
        await run.events.waitFor('onReceiverError', 1)
        await server.connections(2)
        await server.write('ok')
        await run.received(1)
        await run.nextBatch()

        expect(records(run.batches)).toEqual([['ok']])
        expect(run.events.of('onReceiverError')[0]?.lastErrorMessage).toBe(`The converter of ${run.stream} threw while reading 127.0.0.1:${server.port}; fix the converter; reconnecting`)
        expect(run.events.of('onReceiverError')[0]?.lastError).toMatch(/^Error: bad frame/)
        expect(run.ssc.getState()).toBe('ACTIVE')
      })
    })
  })
})
