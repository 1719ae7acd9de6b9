import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ManualClock, Receiver, Seconds, SparkConf, SparkContext, StreamingContext } from '../../src/index.js'
import type { ReceiverInputDStream } from '../../src/streaming/dstream/internal.js'
import { recordBatches } from '../support/receiver-recorder.js'
import { startTestTcpServer } from '../support/test-tcp-server.js'
import { waitUntil } from '../support/wait-until.js'

// spark.streaming.receiver.maxRate on the driver's clock: a ManualClock decides how much gets in.
const MAX_RATE = 20

let sc: SparkContext

beforeAll(() => {
  sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('max-rate-test').set('spark.streaming.receiver.maxRate', MAX_RATE))
})

afterAll(async () => {
  await sc.stop()
})

describe('spark.streaming.receiver.maxRate', () => {
  it('lets a socket stream take at most maxRate lines per second, losing none and keeping their order', async () => {
    const server = await startTestTcpServer()
    const clock = new ManualClock()
    const ssc = new StreamingContext(sc, Seconds(1), { clock })
    try {
      const lines = ssc.socketTextStream('127.0.0.1', server.port) as ReceiverInputDStream<string>
      const batches = recordBatches(lines)
      await ssc.start()
      await server.connections(1)
      const sent = Array.from({ length: 100 }, (_, i) => `line ${i}`)
      await server.write(`${sent.join('\n')}\n`)
      for (let batch = 0; batch < 10 && lines.receivedRecords < sent.length; batch++) {
        // Wait until the reader is held back by the rate (or done), so the batch sees what the rate allows.
        await waitUntil(() => lines.heldRecords > 0 || lines.receivedRecords === sent.length, 'the reader was held back by maxRate')
        await clock.advance(Seconds(1))
      }

      const counts = batches.map((batch) => batch.records.length)
      expect(batches.flatMap((batch) => batch.records)).toEqual(sent)
      // By the k-th batch (k seconds after start) at most maxRate · k lines can have been let in.
      counts.reduce((total, count, k) => {
        expect(total + count).toBeLessThanOrEqual(MAX_RATE * (k + 1))
        return total + count
      }, 0)
      expect(counts.length).toBeGreaterThanOrEqual(sent.length / MAX_RATE)
    } finally {
      await ssc.stop(false)
      await server.close()
    }
  })

  it('holds store() back until the rate lets the records in, and lets them all in on a graceful stop', async () => {
    class HandFedReceiver extends Receiver<number> {
      onStart(): void {}
      onStop(): void {}
    }
    const receiver = new HandFedReceiver()
    const clock = new ManualClock()
    const ssc = new StreamingContext(sc, Seconds(1), { clock })
    const batches = recordBatches(ssc.receiverStream(receiver))
    await ssc.start()
    let accepted = false
    const store = receiver.store(Array.from({ length: 50 }, (_, i) => i)).then(() => (accepted = true))
    await clock.advance(Seconds(1))
    expect(accepted).toBe(false)
    await ssc.stop(false, true)
    await store

    expect(batches.map((batch) => batch.records.length)).toEqual([MAX_RATE, 50 - MAX_RATE])
    expect(batches.flatMap((batch) => batch.records)).toEqual(Array.from({ length: 50 }, (_, i) => i))
  })
})
