/**
 * Counts the words of the text received from a TCP server every second, as
 * Spark's NetworkWordCount. Start a line server first and type lines into it:
 *
 *   npx tsx examples/line-server.ts --port 9999          # in one terminal; type lines
 *   npx tsx examples/network-wordcount.ts [host] [port]  # in another
 *
 * (`nc -lk 9999` works too.) If the server is not up yet, or goes away, the
 * stream logs a warning and reconnects. Ctrl-C stops it gracefully.
 */
import { Seconds, SparkConf, StreamingContext } from '../src/index.js'

const host = process.argv[2] ?? 'localhost'
const port = Number(process.argv[3] ?? 9999)

const conf = new SparkConf().setAppName('network-wordcount').setMaster('local[2]').set('spark.streaming.stopGracefullyOnShutdown', true)
const ssc = new StreamingContext(conf, Seconds(1))

const lines = ssc.socketTextStream(host, port)
const words = lines.flatMap((line) => line.split(' '))
const wordCounts = words.map((word) => [word, 1] as [string, number]).reduceByKey((a, b) => a + b)
wordCounts.print()

await ssc.start()
await ssc.awaitTermination()
