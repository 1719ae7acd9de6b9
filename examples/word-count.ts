/**
 * Word count over a text file with the RDD API: the first program of every
 * Spark tutorial. Counts the words of the bundled public-domain book (or
 * the file given as the first argument) and prints the most common ones.
 *
 *   npx tsx examples/word-count.ts [file] [how-many]
 */
import { fileURLToPath } from 'node:url'

import { SparkConf, SparkContext } from '../src/index.js'

const path = process.argv[2] ?? fileURLToPath(new URL('./data/alice-in-wonderland.txt', import.meta.url))
const howMany = Number(process.argv[3] ?? 20)

const sc = new SparkContext(new SparkConf().setAppName('word-count').setMaster('local[*]'))
try {
  const words = sc
    .textFile(path)
    .flatMap((line) => line.toLowerCase().split(/[^a-z']+/))
    .map((word) => word.replace(/^'+|'+$/g, ''))
    .filter((word) => word.length > 0)
    .cache()

  const counts = words.map((word) => [word, 1] as [string, number]).reduceByKey((a, b) => a + b)
  // Most frequent first; words with equal counts in alphabetical order.
  const top = await counts.top(howMany, (a, b) => a[1] - b[1] || (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0))

  console.log(`${await words.count()} words, ${await counts.count()} distinct, in ${path}`)
  console.log(`The ${top.length} most common, as (word,count):`)
  for (const [word, count] of top) console.log(`(${word},${count})`)
} finally {
  await sc.stop()
}
