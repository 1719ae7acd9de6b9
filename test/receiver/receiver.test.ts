import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { IllegalStateError, ManualClock, Receiver, Seconds, SparkConf, SparkContext, StreamingContext } from '../../src/index.js'
import { captureLog } from '../support/log-capture.js'
import { recordBatches, recordStreamingEvents } from '../support/receiver-recorder.js'
import { thrownBy } from '../support/rejection.js'

/** A receiver the test drives by hand: it counts its starts and stops and stores what the test gives it. */
class HandFedReceiver extends Receiver<string> {
  starts = 0
  stops = 0

  onStart(): void {
    this.starts++
  }

  onStop(): void {
    this.stops++
  }
}

let sc: SparkContext

beforeAll(() => {
  sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('receiver-test').set('spark.streaming.receiverRestartDelay', '10ms'))
})

afterAll(async () => {
  await sc.stop()
})

/** A context on a ManualClock at 5000 ms (first batch at 6000 ms) with one receiver stream whose batches are recorded. */
async function startWith<R extends Receiver<string>>(receiver: R) {
  const clock = new ManualClock(5000)
  const ssc = new StreamingContext(sc, Seconds(1), { clock })
  const stream = ssc.receiverStream(receiver)
  const batches = recordBatches(stream)
  const events = recordStreamingEvents(ssc)
  await ssc.start()
  return { clock, ssc, stream, batches, events }
}

describe('Receiver', () => {
  it('feeds what it stores into the batch of the interval it was stored in, and counts it in the BatchInfo', async () => {
    const receiver = new HandFedReceiver()
    const { clock, ssc, batches, events } = await startWith(receiver)
    try {
      expect(receiver.isStarted()).toBe(true)
      await receiver.store(['a', 'b'])
      await clock.advance(Seconds(1))
      await receiver.store('c')
      await clock.advance(Seconds(1))
      await clock.advance(Seconds(1))

      expect(batches.map((batch) => batch.records)).toEqual([['a', 'b'], ['c'], []])
      expect(events.batches.map((info) => info.numRecords)).toEqual([2, 1, 0])
    } finally {
      await ssc.stop(false)
    }
  })

  it('is started when the context starts and stopped when it stops, with an event each', async () => {
    const receiver = new HandFedReceiver()
    const { ssc, stream, events } = await startWith(receiver)
    await ssc.stop(false)

    expect([receiver.starts, receiver.stops]).toEqual([1, 1])
    expect(receiver.isStopped()).toBe(true)
    expect(events.receiverEvents.map((event) => event.kind)).toEqual(['onReceiverStarted', 'onReceiverStopped'])
    expect(events.of('onReceiverStarted')[0]).toEqual({ streamId: stream.id, name: `HandFedReceiver-${stream.id}`, active: true, lastErrorMessage: '', lastError: '', lastErrorTime: -1 })
    expect(events.of('onReceiverStopped')[0]).toMatchObject({ active: false, lastErrorMessage: 'Stopped by StreamingContext', lastError: '' })
  })

  it('restarts on restart(): reports the error, stops, waits the delay, and starts again, keeping what was stored', async () => {
    const receiver = new HandFedReceiver()
    const { clock, ssc, batches, events } = await startWith(receiver)
    const log = captureLog()
    try {
      await receiver.store('before')
      receiver.restart('lost the upstream', new Error('upstream went away'), 20)
      expect(receiver.isStopped()).toBe(true)
      expect(receiver.stops).toBe(1)
      await events.waitFor('onReceiverStarted', 2)
      expect(receiver.isStarted()).toBe(true)
      await receiver.store('after')
      await clock.advance(Seconds(1))

      expect(receiver.starts).toBe(2)
      expect(batches.map((batch) => batch.records)).toEqual([['before', 'after']])
      expect(events.receiverEvents.map((event) => event.kind)).toEqual(['onReceiverStarted', 'onReceiverError', 'onReceiverStopped', 'onReceiverStarted'])
      const [error] = events.of('onReceiverError')
      expect(error).toMatchObject({ active: true, lastErrorMessage: 'lost the upstream', lastErrorTime: 5000 })
      expect(error?.lastError).toMatch(/^Error: upstream went away\n\s+at /)
      expect(log.at('WARN')).toEqual([`WARN ReceiverSupervisor: Restarting receiver HandFedReceiver-${ssc.graph.inputStreams[0]?.id} in 20 ms: lost the upstream - Error: upstream went away`])
    } finally {
      log.restore()
      await ssc.stop(false)
    }
  })

  it('reports an error through reportError to listeners and the log, and keeps receiving', async () => {
    const receiver = new HandFedReceiver()
    const { clock, ssc, batches, events } = await startWith(receiver)
    const log = captureLog()
    try {
      receiver.reportError('a record was malformed', new SyntaxError('Unexpected token'))
      await receiver.store('next')
      await clock.advance(Seconds(1))

      expect(events.of('onReceiverError')).toEqual([expect.objectContaining({ lastErrorMessage: 'a record was malformed', lastErrorTime: 5000 })])
      expect(events.of('onReceiverError')[0]?.lastError).toMatch(/^SyntaxError: Unexpected token/)
      expect(log.at('WARN')[0]).toMatch(/^WARN ReceiverSupervisor: Error reported by receiver HandFedReceiver-\d+ for ReceiverInputDStream\[\d+\] at receiverStream at receiver\.test\.ts:\d+: a record was malformed - SyntaxError: Unexpected token$/)
      expect(receiver.isStarted()).toBe(true)
      expect(batches.map((batch) => batch.records)).toEqual([['next']])
      await expect(ssc.awaitTerminationOrTimeout(1)).resolves.toBe(false)
    } finally {
      log.restore()
      await ssc.stop(false)
    }
  })

  it('reports an onStart that throws and restarts the receiver after spark.streaming.receiverRestartDelay', async () => {
    class FailsFirst extends HandFedReceiver {
      override onStart(): void {
        super.onStart()
        if (this.starts === 1) throw new Error('no connection yet')
      }
    }
    const receiver = new FailsFirst()
    const log = captureLog()
    const { ssc, events } = await startWith(receiver)
    try {
      await events.waitFor('onReceiverStarted', 2)

      expect(receiver.starts).toBe(2)
      expect(receiver.isStarted()).toBe(true)
      expect(events.of('onReceiverError')).toEqual([expect.objectContaining({ lastErrorMessage: `FailsFirst-${receiver.streamId}.onStart() failed` })])
      expect(events.of('onReceiverError')[0]?.lastError).toMatch(/^Error: no connection yet/)
      expect(log.at('WARN')[0]).toMatch(/^WARN ReceiverSupervisor: Restarting receiver FailsFirst-\d+ in 10 ms: FailsFirst-\d+\.onStart\(\) failed - Error: no connection yet$/)
    } finally {
      log.restore()
      await ssc.stop(false)
    }
  })

  it('reports an async onStart that rejects and restarts the receiver', async () => {
    class RejectsFirst extends HandFedReceiver {
      override async onStart(): Promise<void> {
        super.onStart()
        await Promise.resolve()
        if (this.starts === 1) throw new Error('handshake refused')
      }
    }
    const receiver = new RejectsFirst()
    const log = captureLog()
    const { ssc, events } = await startWith(receiver)
    try {
      await events.waitFor('onReceiverStarted', 2)

      expect(events.of('onReceiverError')[0]?.lastError).toMatch(/^Error: handshake refused/)
      expect(receiver.stops).toBe(1)
    } finally {
      log.restore()
      await ssc.stop(false)
    }
  })

  it('reports an onStop that throws and still stops the context', async () => {
    class FailsToStop extends HandFedReceiver {
      override onStop(): void {
        throw new Error('already closed')
      }
    }
    const { ssc, events } = await startWith(new FailsToStop())
    const log = captureLog()
    try {
      await ssc.stop(false)
    } finally {
      log.restore()
    }

    expect(ssc.getState()).toBe('STOPPED')
    expect(events.of('onReceiverError')[0]).toMatchObject({ lastErrorMessage: expect.stringMatching(/^FailsToStop-\d+\.onStop\(\) failed$/) })
    expect(events.of('onReceiverStopped')).toHaveLength(1)
  })

  it('stops for good on stop(message): no restart, and what it stored still reaches a batch', async () => {
    const receiver = new HandFedReceiver()
    const { clock, ssc, batches, events } = await startWith(receiver)
    try {
      await receiver.store('last words')
      receiver.stop('the feed ended')
      await events.waitFor('onReceiverStopped', 1)
      await clock.advance(Seconds(1))

      expect(receiver.isStopped()).toBe(true)
      expect([receiver.starts, receiver.stops]).toEqual([1, 1])
      expect(events.of('onReceiverStopped')[0]).toMatchObject({ active: false, lastErrorMessage: 'the feed ended', lastErrorTime: -1 })
      expect(batches.map((batch) => batch.records)).toEqual([['last words']])
    } finally {
      await ssc.stop(false)
    }
  })

  it('delivers the records stored but not yet in a batch when the context stops gracefully', async () => {
    const receiver = new HandFedReceiver()
    const { clock, ssc, batches } = await startWith(receiver)
    await receiver.store('one')
    await clock.advance(Seconds(1))
    await receiver.store(['two', 'three'])
    await ssc.stop(false, true)

    expect(batches.map((batch) => [batch.time, batch.records])).toEqual([[6000, ['one']], [7000, ['two', 'three']]])
  })

  it('refuses store() before the receiver is given to a stream, naming the fix', () => {
    const error = thrownBy(() => new HandFedReceiver().store('too early'))

    expect(error).toBeInstanceOf(IllegalStateError)
    expect(error.message).toBe('HandFedReceiver.store() was called before the receiver was given to a stream; pass it to ssc.receiverStream(receiver) and call store from onStart onwards')
  })

  it('refuses one receiver instance for two streams', async () => {
    const ssc = new StreamingContext(sc, Seconds(1), { clock: new ManualClock() })
    try {
      const receiver = new HandFedReceiver()
      ssc.receiverStream(receiver)
      const error = thrownBy(() => ssc.receiverStream(receiver))

      expect(error).toBeInstanceOf(IllegalStateError)
      expect(error.message).toMatch(/^This HandFedReceiver already feeds ReceiverInputDStream\[\d+\] at receiverStream at .*; a Receiver instance feeds one stream, so create a new one for each receiverStream$/)
    } finally {
      await ssc.stop(false)
    }
  })

  it('refuses a receiverStream of something that is not a Receiver', async () => {
    const ssc = new StreamingContext(sc, Seconds(1), { clock: new ManualClock() })
    try {
      const error = thrownBy(() => ssc.receiverStream({ onStart() {}, onStop() {} } as unknown as Receiver<string>))

      expect(error).toBeInstanceOf(TypeError)
      expect(error.message).toMatch(/^receiverStream needs an instance of a subclass of Receiver .*, got an instance of Object$/)
    } finally {
      await ssc.stop(false)
    }
  })

  it('rejects a negative restart delay', async () => {
    const receiver = new HandFedReceiver()
    const { ssc } = await startWith(receiver)
    try {
      const error = thrownBy(() => receiver.restart('soon', undefined, -1))

      expect(error).toBeInstanceOf(RangeError)
      expect(error.message).toBe('restart delayMs must be a non-negative number of milliseconds, got -1')
      expect(receiver.isStarted()).toBe(true)
    } finally {
      await ssc.stop(false)
    }
  })
})
