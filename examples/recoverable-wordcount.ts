/**
 * Running word counts that survive a crash, as Spark's
 * RecoverableNetworkWordCount: the program builds its streams inside
 * `StreamingContext.getOrCreate`, so a restart after kill -9 continues from
 * the checkpoint in `checkpoint/recoverable-wordcount` with the counts so
 * far. The receiver's write-ahead log keeps the lines it received, so the
 * lines of batches that had not completed are counted after the restart,
 * once.
 *
 *   npx tsx examples/line-server.ts --port 9999        # in one terminal; type lines
 *   npx tsx examples/recoverable-wordcount.ts [host] [port]
 *   kill -9 <its pid>, start it again: the counts go on from where they were
 */
import { Seconds, SparkConf, StreamingContext } from '../src/index.js'

const host = process.argv[2] ?? 'localhost'
const port = Number(process.argv[3] ?? 9999)
const checkpointDirectory = 'checkpoint/recoverable-wordcount'

/** Defines the streams; getOrCreate calls it on every start, then restores the checkpoint's state into them. */
function createContext(): StreamingContext {
  const conf = new SparkConf()
    .setAppName('recoverable-wordcount')
    .setMaster('local[2]')
    .set('spark.streaming.receiver.writeAheadLog.enable', true)
    .set('spark.streaming.stopGracefullyOnShutdown', true)
  const ssc = new StreamingContext(conf, Seconds(1))
  ssc.checkpoint(checkpointDirectory)
  ssc
    .socketTextStream(host, port)
    .flatMap((line) => line.split(' '))
    .filter((word) => word.length > 0)
    .map((word) => [word, 1] as [string, number])
    .updateStateByKey((newCounts: number[], total: number | null) => newCounts.reduce((a, b) => a + b, total ?? 0))
    .checkpoint(Seconds(5))
    .print()
  return ssc
}

const ssc = await StreamingContext.getOrCreate(checkpointDirectory, createContext)
await ssc.start()
process.stdout.write(`Process ${process.pid} counting; kill -9 it and start it again to see the counts recovered\n`)
await ssc.awaitTermination()
