import { readFileSync, statSync } from 'node:fs'

import { SparkConf, SparkContext } from '../src/index.js'
import { ensureEnglishText } from './english-text.js'
import { percentile, report, round } from './measure.js'

const TEXT_MEGABYTES = 50
const REPEATS = 5
const EMPTY_JOBS = 500

/**
 * Issue 2's benchmark: word count over 50 MB of English-like text with
 * local[1] and local[2], against a hand-written single-threaded loop timed
 * in the same process, and the round trip of an empty one-partition job.
 */
export async function benchRddWordCount(): Promise<void> {
  const path = await ensureEnglishText(TEXT_MEGABYTES)
  const megabytes = statSync(path).size / (1024 * 1024)
  const expected = countWordsSingleThreaded(path)

  for (const master of ['local[1]', 'local[2]']) {
    const sc = new SparkContext(new SparkConf().setMaster(master).setAppName('bench-word-count'))
    try {
      const wordCount = () =>
        sc
          .textFile(path)
          .flatMap((line) => line.split(' '))
          .map((word) => [word, 1] as [string, number])
          .reduceByKey((a, b) => a + b)
          .collectAsMap()
      const correct = sameCounts(await wordCount(), expected)
      // This machine's per-core speed drifts between runs seconds apart: alternating the two and
      // comparing medians keeps the ratio from depending on which ran in a fast moment.
      const { baselineSeconds, sluiceSeconds } = await alternate(() => countWordsSingleThreaded(path), wordCount)
      const baseline = megabytes / baselineSeconds
      const rate = megabytes / sluiceSeconds
      report({ benchmark: 'rdd-word-count', variant: 'baseline-single-thread-loop', megabytes: round(megabytes, 1), seconds: round(baselineSeconds), mbPerSecond: round(baseline, 1) })
      report({ benchmark: 'rdd-word-count', variant: `sluice-${master}`, megabytes: round(megabytes, 1), seconds: round(sluiceSeconds), mbPerSecond: round(rate, 1), ratioToBaseline: round(rate / baseline, 2), target: master === 'local[1]' ? 0.8 : 1.5, correct })
      if (master === 'local[2]') await benchEmptyJob(sc)
    } finally {
      await sc.stop()
    }
  }
}

/** Times `baseline` and `candidate` in turn, REPEATS times each after a warm-up of each; the medians in seconds. */
async function alternate(baseline: () => unknown, candidate: () => Promise<unknown>): Promise<{ baselineSeconds: number; sluiceSeconds: number }> {
  baseline()
  await candidate()
  const baselineTimes: number[] = []
  const candidateTimes: number[] = []
  for (let i = 0; i < REPEATS; i++) {
    let started = performance.now()
    baseline()
    baselineTimes.push((performance.now() - started) / 1000)
    started = performance.now()
    await candidate()
    candidateTimes.push((performance.now() - started) / 1000)
  }
  return { baselineSeconds: percentile(baselineTimes, 0.5), sluiceSeconds: percentile(candidateTimes, 0.5) }
}

async function benchEmptyJob(sc: SparkContext): Promise<void> {
  const rdd = sc.parallelize<number>([], 1)
  await rdd.collect()
  const times: number[] = []
  for (let i = 0; i < EMPTY_JOBS; i++) {
    const started = performance.now()
    await rdd.collect()
    times.push(performance.now() - started)
  }
  report({ benchmark: 'empty-job-round-trip', variant: 'sluice-local[2]', jobs: EMPTY_JOBS, medianMs: round(percentile(times, 0.5)), p99Ms: round(percentile(times, 0.99)), targetMedianMs: 2 })
}

function sameCounts(actual: Map<string, number>, expected: Map<string, number>): boolean {
  if (actual.size !== expected.size) return false
  for (const [word, count] of expected) if (actual.get(word) !== count) return false
  return true
}

/** The baseline: what a developer would write by hand without sluice. */
export function countWordsSingleThreaded(path: string): Map<string, number> {
  const counts = new Map<string, number>()
  const lines = readFileSync(path, 'utf8').split('\n')
  // The newline that ends the last line does not start another one.
  if (lines[lines.length - 1] === '') lines.pop()
  for (const line of lines) {
    for (const word of line.split(' ')) counts.set(word, (counts.get(word) ?? 0) + 1)
  }
  return counts
}
