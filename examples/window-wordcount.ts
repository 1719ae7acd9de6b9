/**
 * Word counts over a sliding window, as Spark's WindowedNetworkWordCount:
 * every 2 seconds, the counts of the last 10 seconds, kept up to date
 * incrementally (words entering the window added, words leaving it
 * subtracted) and dropping words whose count fell to zero.
 *
 *   npx tsx examples/line-server.ts --port 9999        # in one terminal; type lines
 *   npx tsx examples/window-wordcount.ts [host] [port]
 */
import { Seconds, SparkConf, StreamingContext } from '../src/index.js'

const host = process.argv[2] ?? 'localhost'
const port = Number(process.argv[3] ?? 9999)

const conf = new SparkConf().setAppName('window-wordcount').setMaster('local[2]').set('spark.streaming.stopGracefullyOnShutdown', true)
const ssc = new StreamingContext(conf, Seconds(1))
// The incremental window keeps each window's counts as state for the next one.
ssc.checkpoint('checkpoint')

ssc
  .socketTextStream(host, port)
  .flatMap((line) => line.split(' '))
  .filter((word) => word.length > 0)
  .map((word) => [word, 1] as [string, number])
  .reduceByKeyAndWindow(
    (a, b) => a + b,
    (a, b) => a - b,
    Seconds(10),
    Seconds(2),
    undefined,
    ([, count]) => count > 0,
  )
  .print()

await ssc.start()
await ssc.awaitTermination()
