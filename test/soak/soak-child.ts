/**
 * The program the crash soak kills: a textFileStream word count with
 * updateStateByKey, recovered with getOrCreate on every start. After each
 * batch it publishes the running counts to `<work>/state.json` (atomically),
 * and prints `ready` once the context runs.
 */
import { renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { Milliseconds, SparkConf, StreamingContext } from '../../src/index.js'

const work = process.argv[2] as string
const checkpointDirectory = join(work, 'checkpoint')

const ssc = await StreamingContext.getOrCreate(checkpointDirectory, () => {
  const ssc = new StreamingContext(new SparkConf().setMaster('local[2]').setAppName('crash-soak'), Milliseconds(200))
  ssc.checkpoint(checkpointDirectory)
  ssc
    // The directory starts empty; newFilesOnly would also skip a file moved in just after start whose
    // modification time the file system's coarse clock put a tick earlier.
    .textFileStream(join(work, 'watched'), { newFilesOnly: false })
    .flatMap((line) => line.split(' '))
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
