import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ManualClock, Milliseconds, Receiver, Seconds, SparkConf, SparkContext, StreamingContext } from '../../../src/index.js'
import { readReceiverSettings } from '../../../src/receiver/receiver-supervisor.js'
import { ReceiverInputDStream } from '../../../src/streaming/dstream/internal.js'
import { recordBatches, recordStreamingEvents } from '../../support/receiver-recorder.js'
import { thrownBy } from '../../support/rejection.js'
import { startTestTcpServer } from '../../support/test-tcp-server.js'
import { waitUntil } from '../../support/wait-until.js'

class HandFedReceiver extends Receiver<string> {
  onStart(): void {}
  onStop(): void {}
}

let sc: SparkContext

beforeAll(() => {
  sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('receiver-input-dstream-test').set('spark.streaming.blockInterval', '250ms'))
})

afterAll(async () => {
  await sc.stop()
})

const quarter = Milliseconds(250)

describe('ReceiverInputDStream', () => {
  it('makes one partition per block: a block for each spark.streaming.blockInterval in which records arrived', async () => {
    const server = await startTestTcpServer()
    const clock = new ManualClock()
    const ssc = new StreamingContext(sc, Seconds(1), { clock })
    try {
      const lines = ssc.socketTextStream('127.0.0.1', server.port) as ReceiverInputDStream<string>
      const batches = recordBatches(lines)
      const partitions: number[] = []
      lines.foreachRDD((rdd) => void partitions.push(rdd.getNumPartitions()))
      await ssc.start()
      await server.connections(1)
      const send = async (text: string, total: number): Promise<void> => {
        await server.write(text)
        await waitUntil(() => lines.receivedRecords >= total, `${total} lines were received`)
      }

      await send('a\nb\n', 2)
      await clock.advance(quarter)
      await send('c\n', 3)
      await clock.advance(quarter)
      await clock.advance(quarter)
      await send('d\n', 4)
      await send('e\n', 5)
      await clock.advance(quarter)
      await clock.advance(Seconds(1))

      expect(batches.map((batch) => batch.blocks)).toEqual([[['a', 'b'], ['c'], ['d', 'e']], []])
      expect(partitions).toEqual([3, 0])
    } finally {
      await ssc.stop(false)
      await server.close()
    }
  })

  it('gives a batch every record stored before its time, including those of an unfinished block interval', async () => {
    const receiver = new HandFedReceiver()
    const clock = new ManualClock()
    const ssc = new StreamingContext(sc, Seconds(1), { clock })
    try {
      const batches = recordBatches(ssc.receiverStream(receiver))
      await ssc.start()
      clock.setTime(900)
      await receiver.store('late in the batch')
      await clock.advance(Milliseconds(100))
      await receiver.store('next batch')
      await clock.advance(Seconds(1))

      expect(batches.map((batch) => batch.records)).toEqual([['late in the batch'], ['next batch']])
    } finally {
      await ssc.stop(false)
    }
  })

  it('has pending data while stored records wait for a batch, so a graceful stop runs one more batch', async () => {
    const receiver = new HandFedReceiver()
    const clock = new ManualClock()
    const ssc = new StreamingContext(sc, Seconds(1), { clock })
    const stream = ssc.receiverStream(receiver) as ReceiverInputDStream<string>
    const batches = recordBatches(stream)
    const events = recordStreamingEvents(ssc)
    await ssc.start()
    expect(stream.hasPendingData()).toBe(false)
    await receiver.store(['x', 'y'])
    expect(stream.hasPendingData()).toBe(true)
    await ssc.stop(false, true)

    expect(stream.hasPendingData()).toBe(false)
    expect(batches.map((batch) => [batch.time, batch.records])).toEqual([[1000, ['x', 'y']]])
    expect(events.batches.map((info) => info.numRecords)).toEqual([2])
  })

  it('drops stored records that no batch took when the context stops without grace', async () => {
    const receiver = new HandFedReceiver()
    const ssc = new StreamingContext(sc, Seconds(1), { clock: new ManualClock() })
    const batches = recordBatches(ssc.receiverStream(receiver))
    await ssc.start()
    await receiver.store('unprocessed')
    await ssc.stop(false)

    expect(batches).toEqual([])
  })
})

describe('receiver settings', () => {
  it('reads spark.streaming.blockInterval as "200ms", "1s" or a number of milliseconds', () => {
    const blockInterval = (value: string): number => readReceiverSettings(new SparkConf().set('spark.streaming.blockInterval', value)).blockIntervalMs

    expect([blockInterval('200ms'), blockInterval('1s'), blockInterval('50'), blockInterval('0.5s')]).toEqual([200, 1000, 50, 500])
    expect(readReceiverSettings(new SparkConf())).toEqual({ blockIntervalMs: 200, maxRatePerSecond: Number.POSITIVE_INFINITY, restartDelayMs: 2000 })
  })

  it('takes zero or a negative spark.streaming.receiver.maxRate as no limit, as Spark does', () => {
    const maxRate = (value: string): number => readReceiverSettings(new SparkConf().set('spark.streaming.receiver.maxRate', value)).maxRatePerSecond

    expect([maxRate('100'), maxRate('0'), maxRate('-1')]).toEqual([100, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY])
  })

  it('rejects an unreadable setting, naming the key, the value and a valid example', () => {
    const badInterval = thrownBy(() => readReceiverSettings(new SparkConf().set('spark.streaming.blockInterval', 'soon')))
    expect(badInterval).toBeInstanceOf(RangeError)
    expect(badInterval.message).toBe('spark.streaming.blockInterval must be a duration such as "200ms", "1s" or a number of milliseconds, got "soon"')

    const zeroInterval = thrownBy(() => readReceiverSettings(new SparkConf().set('spark.streaming.blockInterval', '0ms')))
    expect(zeroInterval.message).toBe('spark.streaming.blockInterval must be positive, got "0ms"; use for example "200ms"')

    const badRate = thrownBy(() => readReceiverSettings(new SparkConf().set('spark.streaming.receiver.maxRate', 'fast')))
    expect(badRate.message).toBe('spark.streaming.receiver.maxRate must be a number of records per second, got "fast"; use for example "1000", or leave it unset for no limit')
  })
})
