import { afterEach, describe, expect, it } from 'vitest'

import { type BatchInfo, ManualClock, type OutputOperationInfo, Seconds, StreamingContext, type StreamingListener } from '../../src/index.js'
import { captureLog, type LogCapture } from '../support/log-capture.js'
import { sharedSparkContext } from '../support/run-batches.js'

const contexts: StreamingContext[] = []
let log: LogCapture | null = null

afterEach(async () => {
  log?.restore()
  log = null
  for (const ssc of contexts.splice(0)) await ssc.stop(false)
})

function newContext(): { ssc: StreamingContext; clock: ManualClock } {
  const clock = new ManualClock()
  const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock })
  contexts.push(ssc)
  return { ssc, clock }
}

/** A listener that records every event as `[kind, payload]`. */
function recorder(): { listener: StreamingListener; events: [string, unknown][] } {
  const events: [string, unknown][] = []
  const record = (kind: string) => (payload: unknown) => void events.push([kind, payload])
  const listener: StreamingListener = {
    onStreamingStarted: record('onStreamingStarted'),
    onBatchSubmitted: record('onBatchSubmitted'),
    onBatchStarted: record('onBatchStarted'),
    onBatchCompleted: record('onBatchCompleted'),
    onOutputOperationStarted: record('onOutputOperationStarted'),
    onOutputOperationCompleted: record('onOutputOperationCompleted'),
  }
  return { listener, events }
}

const batchInfoOf = (payload: unknown): BatchInfo => (payload as { batchInfo: BatchInfo }).batchInfo
const outputInfoOf = (payload: unknown): OutputOperationInfo => (payload as { outputOperationInfo: OutputOperationInfo }).outputOperationInfo

describe('StreamingListener', () => {
  it('gets no events for a batch that has no output job, such as a window between its slides (as in Spark)', async () => {
    const { ssc, clock } = newContext()
    const { listener, events } = recorder()
    ssc.addStreamingListener(listener)
    ssc.queueStream([[1], [2], [3], [4]]).window(Seconds(2), Seconds(2)).foreachRDD(() => {})
    await ssc.start()
    await clock.advance(Seconds(4))

    const completed = events.filter(([kind]) => kind === 'onBatchCompleted').map(([, payload]) => batchInfoOf(payload).batchTime.milliseconds)
    expect(completed).toEqual([2000, 4000])
  })

  it('gets the events of each batch in order: submitted, started, each output operation started and completed, completed', async () => {
    const { ssc, clock } = newContext()
    const { listener, events } = recorder()
    ssc.addStreamingListener(listener)
    const stream = ssc.queueStream([[1, 2], [3]])
    stream.foreachRDD(() => {})
    stream.map((x) => x).foreachRDD(() => {})
    await ssc.start()
    await clock.advance(Seconds(1))
    await clock.advance(Seconds(1))

    const perBatch = [
      'onBatchSubmitted',
      'onBatchStarted',
      'onOutputOperationStarted',
      'onOutputOperationCompleted',
      'onOutputOperationStarted',
      'onOutputOperationCompleted',
      'onBatchCompleted',
    ]
    expect(events.map(([kind]) => kind)).toEqual(['onStreamingStarted', ...perBatch, ...perBatch])
    expect(events[0]?.[1]).toEqual({ time: 0 })
    expect(events.filter(([kind]) => kind.startsWith('onBatch')).map(([, payload]) => batchInfoOf(payload).batchTime.milliseconds)).toEqual([
      1000, 1000, 1000, 2000, 2000, 2000,
    ])
    expect(events.filter(([kind]) => kind.startsWith('onOutput')).map(([, payload]) => outputInfoOf(payload).id)).toEqual([0, 0, 1, 1, 0, 0, 1, 1])
  })

  it('a batch is submitted when its time comes, even while an earlier batch is still running', async () => {
    const { ssc, clock } = newContext()
    const { listener, events } = recorder()
    ssc.addStreamingListener(listener)
    ssc.queueStream([[1], [2]]).foreachRDD(() => {})
    await ssc.start()
    await clock.advance(Seconds(2))

    expect(events.map(([kind, payload]) => `${kind.replace(/^on/, '')}${kind.includes('Batch') ? ` ${batchInfoOf(payload).batchTime}` : ''}`)).toEqual([
      'StreamingStarted',
      'BatchSubmitted 1000 ms',
      'BatchStarted 1000 ms',
      'OutputOperationStarted',
      'BatchSubmitted 2000 ms',
      'OutputOperationCompleted',
      'BatchCompleted 1000 ms',
      'BatchStarted 2000 ms',
      'OutputOperationStarted',
      'OutputOperationCompleted',
      'BatchCompleted 2000 ms',
    ])
  })

  it('reports BatchInfo: batch time, records from the queue, and times and delays as numbers', async () => {
    const { ssc, clock } = newContext()
    const { listener, events } = recorder()
    ssc.addStreamingListener(listener)
    let secondSubmitted = (): void => {}
    const second = new Promise<void>((resolve) => (secondSubmitted = resolve))
    ssc.addStreamingListener({ onBatchSubmitted: ({ batchInfo }) => void (batchInfo.batchTime.milliseconds === 2000 && secondSubmitted()) })
    // The first batch takes 1300 ms of (manual) time: the second is submitted at 2000 ms and waits 300 ms for it.
    ssc.queueStream([[1, 2, 3], []]).foreachRDD(async (_rdd, time) => {
      if (time.milliseconds !== 1000) return
      clock.setTime(2000)
      await second
      clock.setTime(2300)
    })
    await ssc.start()
    await clock.advance(Seconds(1))
    await clock.advance(0)

    const infos = events.filter(([kind]) => kind.startsWith('onBatch')).map(([kind, payload]) => [kind, batchInfoOf(payload)] as const)
    expect(infos.map(([kind, info]) => `${kind} ${info.batchTime}`)).toEqual([
      'onBatchSubmitted 1000 ms',
      'onBatchStarted 1000 ms',
      'onBatchSubmitted 2000 ms',
      'onBatchCompleted 1000 ms',
      'onBatchStarted 2000 ms',
      'onBatchCompleted 2000 ms',
    ])
    const [submitted, started, , completed, , secondCompleted] = infos.map(([, info]) => info)
    expect(submitted).toMatchObject({
      numRecords: 3,
      submissionTime: 1000,
      processingStartTime: null,
      processingEndTime: null,
      schedulingDelay: null,
      processingDelay: null,
      totalDelay: null,
    })
    expect(started).toMatchObject({ numRecords: 3, submissionTime: 1000, processingStartTime: 1000, schedulingDelay: 0, processingEndTime: null })
    expect(completed).toMatchObject({
      numRecords: 3,
      submissionTime: 1000,
      processingStartTime: 1000,
      processingEndTime: 2300,
      schedulingDelay: 0,
      processingDelay: 1300,
      totalDelay: 1300,
    })
    expect(secondCompleted).toMatchObject({
      numRecords: 0,
      submissionTime: 2000,
      processingStartTime: 2300,
      processingEndTime: 2300,
      schedulingDelay: 300,
      processingDelay: 0,
      totalDelay: 300,
    })
    const output = completed?.outputOperationInfos.get(0)
    expect(output).toMatchObject({ id: 0, name: 'foreachRDD', startTime: 1000, endTime: 2300, failureReason: null })
    expect(output?.batchTime.toString()).toBe('1000 ms')
    expect(output?.description).toMatch(/^foreachRDD at listener\.test\.ts:\d+$/)
    expect(submitted?.outputOperationInfos.get(0)).toMatchObject({ id: 0, name: 'foreachRDD', startTime: null, endTime: null, failureReason: null })
  })

  it('counts the records of every input stream of the batch', async () => {
    const { ssc, clock } = newContext()
    const counts: number[] = []
    ssc.addStreamingListener({ onBatchCompleted: ({ batchInfo }) => void counts.push(batchInfo.numRecords) })
    const left = ssc.queueStream([[1, 2], [3]])
    const right = ssc.queueStream([['a'], [], ['b', 'c']])
    left.map(String).union(right).foreachRDD(() => {})
    await ssc.start()
    await clock.advance(Seconds(3))

    expect(counts).toEqual([3, 1, 2])
  })

  it('reports a failed output operation with its failure reason, and runs the next one', async () => {
    const { ssc, clock } = newContext()
    log = captureLog()
    const completed: OutputOperationInfo[] = []
    const batches: BatchInfo[] = []
    ssc.addStreamingListener({
      onOutputOperationCompleted: ({ outputOperationInfo }) => void completed.push(outputOperationInfo),
      onBatchCompleted: ({ batchInfo }) => void batches.push(batchInfo),
    })
    const stream = ssc.queueStream([[1]])
    stream.foreachRDD(() => {
      throw new Error('output operation failed')
    })
    stream.count().foreachRDD(() => {})
    await ssc.start()
    await expect(clock.advance(Seconds(1))).rejects.toThrow('output operation failed')

    expect(completed.map((info) => [info.id, info.name])).toEqual([
      [0, 'foreachRDD'],
      [1, 'foreachRDD'],
    ])
    expect(completed[0]?.failureReason).toMatch(/^Error: output operation failed\n\s+at /)
    expect(completed[1]?.failureReason).toBeNull()
    expect(batches[0]?.outputOperationInfos.get(0)?.failureReason).toBe(completed[0]?.failureReason)
  })

  it('keeps delivering events to the other listeners when one throws', async () => {
    const { ssc, clock } = newContext()
    log = captureLog()
    const times: number[] = []
    ssc.addStreamingListener({
      onBatchCompleted: () => {
        throw new Error('listener bug')
      },
    })
    ssc.addStreamingListener({ onBatchCompleted: ({ batchInfo }) => void times.push(batchInfo.batchTime.milliseconds) })
    ssc.queueStream([[1], [2]]).foreachRDD(() => {})
    await ssc.start()
    await clock.advance(Seconds(2))

    expect(times).toEqual([1000, 2000])
    expect(log.at('ERROR')).toHaveLength(2)
    expect(log.at('ERROR')[0]).toMatch(/^ERROR StreamingListenerBus: Listener Object threw in onBatchCompleted: Error: listener bug/)
  })

  it('stops delivering to a removed listener', async () => {
    const { ssc, clock } = newContext()
    const times: number[] = []
    const listener: StreamingListener = { onBatchCompleted: ({ batchInfo }) => void times.push(batchInfo.batchTime.milliseconds) }
    ssc.addStreamingListener(listener)
    ssc.queueStream([[1], [2]]).foreachRDD(() => {})
    await ssc.start()
    await clock.advance(Seconds(1))
    ssc.removeStreamingListener(listener)
    await clock.advance(Seconds(1))

    expect(times).toEqual([1000])
  })
})
