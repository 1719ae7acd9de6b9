/**
 * Running word count over the files moved into a directory: Spark's
 * HdfsWordCount with the counts kept across batches by updateStateByKey.
 * Every batch reads the files that appeared during it, each file once, and
 * prints the total count of every word seen so far. Ctrl-C stops after the
 * running batch.
 *
 *   npx tsx examples/directory-wordcount.ts [directory] [batch-seconds]
 *
 * Files must arrive complete: write them under a name starting with `.`
 * (ignored) in the same directory, then rename them into place.
 */
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'

import { Seconds, SparkConf, StreamingContext } from '../src/index.js'

const directory = resolve(process.argv[2] ?? 'incoming')
const batchSeconds = Number(process.argv[3] ?? 2)
mkdirSync(directory, { recursive: true })

const conf = new SparkConf().setAppName('directory-wordcount').setMaster('local[2]').set('spark.streaming.stopGracefullyOnShutdown', true)
const ssc = new StreamingContext(conf, Seconds(batchSeconds))
ssc.checkpoint('checkpoint')

const totals = ssc
  .textFileStream(directory)
  .flatMap((line) => line.split(/\s+/))
  .filter((word) => word.length > 0)
  .map((word) => [word, 1] as [string, number])
  .updateStateByKey<string, number, number>((counts: number[], total: number | null) => counts.reduce((sum, n) => sum + n, total ?? 0))
totals.print(20)

console.log(`Counting the words of the files moved into ${directory} every ${batchSeconds} s. Add a file with:

  echo "to be or not to be" > ${directory}/.words.tmp && mv ${directory}/.words.tmp ${directory}/words-$(date +%s).txt

Writing straight into the directory can make a batch read a half-written file; a file
modified more than a minute before it is moved in is ignored (touch it first).
Press Ctrl-C to stop.`)

try {
  await ssc.start()
  await ssc.awaitTermination()
} finally {
  await ssc.stop()
}
