/**
 * Counts the words of the text received from a TCP server every second
 * with SQL, as Spark's SqlNetworkWordCount: each batch's words become a
 * DataFrame, registered as the temp view `words`, and queried with
 * `spark.sql`. Start a line server first and type lines into it:
 *
 *   npx tsx examples/line-server.ts --port 9999      # in one terminal; type lines
 *   npx tsx examples/sql-wordcount.ts [host] [port]  # in another
 *
 * (`nc -lk 9999` works too.) Ctrl-C stops it gracefully.
 */
import { Seconds, SparkConf, SparkSession, StreamingContext } from '../src/index.js'

const host = process.argv[2] ?? 'localhost'
const port = Number(process.argv[3] ?? 9999)

const conf = new SparkConf().setAppName('sql-wordcount').setMaster('local[2]').set('spark.streaming.stopGracefullyOnShutdown', true)
const ssc = new StreamingContext(conf, Seconds(1))

const words = ssc.socketTextStream(host, port).flatMap((line) => line.split(' '))

words.foreachRDD(async (rdd, time) => {
  // A batch without words has no rows to infer a schema from; Spark's examples skip it too.
  if (await rdd.isEmpty()) return
  const spark = SparkSession.builder().config(rdd.context.getConf()).getOrCreate()
  const df = spark.createDataFrame(rdd.map((w) => ({ word: w })))
  df.createOrReplaceTempView('words')
  process.stdout.write(`========= ${time} =========\n`)
  await spark.sql('select word, count(*) as total from words group by word').show()
})

await ssc.start()
await ssc.awaitTermination()
