/** Runs `run` once to warm up, then `repeats` times; the median wall time in seconds. */
export async function medianSeconds(repeats: number, run: () => Promise<unknown> | unknown): Promise<number> {
  await run()
  const times: number[] = []
  for (let i = 0; i < repeats; i++) {
    const started = performance.now()
    await run()
    times.push((performance.now() - started) / 1000)
  }
  return percentile(times, 0.5)
}

/** The q-quantile (0..1) of the samples, nearest rank. */
export function percentile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN
}

/** One machine-readable result: a JSON object per line on stdout. */
export function report(result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

export function round(value: number, digits = 3): number {
  return Number(value.toFixed(digits))
}
