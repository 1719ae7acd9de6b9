/**
 * The demo behind `npm start`: a network word count that brings its own
 * server. A line server (as examples/line-server.ts) reads Alice's
 * Adventures in Wonderland to a socket at a steady pace; a StreamingContext
 * counts the words of each 1-second batch and prints the most frequent,
 * for ten batches, then stops.
 *
 *   npx tsx examples/network-wordcount-demo.ts [batches]
 */
import { readFileSync } from 'node:fs'

import { type RDD, Seconds, SparkConf, StreamingContext } from '../src/index.js'
import { startLineServer } from './line-server.js'

const batches = Number(process.argv[2] ?? 10)
const book = readFileSync(new URL('./data/alice-in-wonderland.txt', import.meta.url), 'utf8').split('\n')
const server = await startLineServer({ port: 0, host: '127.0.0.1', lines: book, rate: 300, repeat: true, log: () => {} })

const ssc = new StreamingContext(new SparkConf().setAppName('network-wordcount-demo').setMaster('local[2]'), Seconds(1))
ssc
  .socketTextStream('127.0.0.1', server.port)
  .flatMap((line) => line.toLowerCase().split(/[^a-z']+/))
  .filter((word) => word.length > 1)
  .map((word) => [word, 1] as [string, number])
  .reduceByKey((a, b) => a + b)
  .transform((counts: RDD<[string, number]>) => counts.sortBy(([, count]) => count, false))
  .print(5)

let completed = 0
let finished: () => void = () => {}
ssc.addStreamingListener({
  onBatchCompleted: () => {
    if (++completed === batches) finished()
  },
})

process.stderr.write(`Counting words of Alice in Wonderland, sent at 300 lines/s to 127.0.0.1:${server.port}, in 1 s batches.\n\n`)
await ssc.start()
await new Promise<void>((resolve) => (finished = resolve))
await ssc.stop()
await server.close()
