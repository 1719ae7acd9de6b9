/**
 * Running word counts over a socket stream with updateStateByKey, as
 * Spark's StatefulNetworkWordCount: every second, the count of each word
 * since the start, beginning from an initial RDD of counts. Keyed state
 * needs a checkpoint directory.
 *
 *   npx tsx examples/line-server.ts --port 9999        # in one terminal; type lines
 *   npx tsx examples/stateful-wordcount.ts [host] [port]
 */
import { Seconds, SparkConf, StreamingContext } from '../src/index.js'

const host = process.argv[2] ?? 'localhost'
const port = Number(process.argv[3] ?? 9999)

const conf = new SparkConf().setAppName('stateful-wordcount').setMaster('local[2]').set('spark.streaming.stopGracefullyOnShutdown', true)
const ssc = new StreamingContext(conf, Seconds(1))
ssc.checkpoint('checkpoint')

const initialCounts = ssc.sparkContext.parallelize<[string, number]>([
  ['hello', 1],
  ['world', 1],
])

const runningCounts = ssc
  .socketTextStream(host, port)
  .flatMap((line) => line.split(' '))
  .filter((word) => word.length > 0)
  .map((word) => [word, 1] as [string, number])
  .updateStateByKey((newCounts: number[], total: number | null) => newCounts.reduce((a, b) => a + b, total ?? 0), { initialRDD: initialCounts })

runningCounts.print()

await ssc.start()
await ssc.awaitTermination()
