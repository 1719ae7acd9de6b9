/**
 * The program the crash soak kills: a word count with updateStateByKey,
 * recovered with getOrCreate on every start. Its input is a textFileStream
 * (`files`) or a receiver with the write-ahead log (`receiver`) that stores
 * new records every few milliseconds and prints `ack <record>` for each
 * once `store` resolves; with SOAK_RECEIVER_IDLE set it stores nothing.
 * After each batch it publishes the running counts to `<work>/state.json`
 * (atomically), and prints `ready` once the context runs.
 */
import { renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { type DStream, Milliseconds, Receiver, SparkConf, StreamingContext } from '../../src/index.js'

const work = process.argv[2] as string
const source = process.argv[3] ?? 'files'
const checkpointDirectory = join(work, 'checkpoint')

/** Stores 10 new records every 20 ms, each named after this process and a sequence number, and acknowledges them once logged. */
class AcknowledgingReceiver extends Receiver<string> {
  #timer: NodeJS.Timeout | undefined

  onStart(): void {
    if (process.env.SOAK_RECEIVER_IDLE !== undefined) return
    let sequence = 0
    this.#timer = setInterval(() => {
      const records = Array.from({ length: 10 }, () => `${process.pid}-${sequence++}`)
      void this.store(records).then(() => process.stdout.write(records.map((record) => `ack ${record}\n`).join('')))
    }, 20)
  }

  onStop(): void {
    clearInterval(this.#timer)
  }
}

const ssc = await StreamingContext.getOrCreate(checkpointDirectory, () => {
  const conf = new SparkConf().setMaster('local[2]').setAppName('crash-soak').set('spark.streaming.blockInterval', '50ms')
  if (source === 'receiver') conf.set('spark.streaming.receiver.writeAheadLog.enable', 'true').set('spark.streaming.receiver.writeAheadLog.rollingIntervalSecs', '1')
  const ssc = new StreamingContext(conf, Milliseconds(200))
  ssc.checkpoint(checkpointDirectory)
  const words: DStream<string> =
    source === 'receiver'
      ? ssc.receiverStream(new AcknowledgingReceiver())
      : // The directory starts empty; newFilesOnly would also skip a file moved in just after start whose
        // modification time the file system's coarse clock put a tick earlier.
        ssc.textFileStream(join(work, 'watched'), { newFilesOnly: false }).flatMap((line) => line.split(' '))
  words
    .map((word) => [word, 1] as [string, number])
    .updateStateByKey((counts: number[], total: number | null) => counts.reduce((a, b) => a + b, total ?? 0))
    .foreachRDD(async (rdd, time) => {
      const counts = Object.fromEntries(await rdd.collect())
      const published = join(work, 'state.json')
      writeFileSync(`${published}.tmp`, JSON.stringify({ timeMs: time.milliseconds, counts }))
      renameSync(`${published}.tmp`, published)
    })
  return ssc
})
await ssc.start()
process.stdout.write('ready\n')
await ssc.awaitTermination()
