/**
 * The crash soak (`npm run soak -- --kills N [--source files|receiver]`): a
 * child runs a word count with updateStateByKey and checkpoints while this
 * process kills it with SIGKILL at random moments (during batches,
 * checkpoint writes and recovery alike), restarting it with getOrCreate
 * each time. Prints one JSON line with the recovery times (from restart to
 * running) and fails when a record was lost or counted twice.
 *
 * - `files` (the default): this process moves files into the watched
 *   directory of a textFileStream; at the end the counts must equal a
 *   reference computed from all the files.
 * - `receiver`: a receiver with the write-ahead log stores new records all
 *   the time and prints `ack <record>` once `store` resolves; at the end
 *   every acknowledged record must be counted exactly once, and no record
 *   more than once (records stored but not yet logged when the child died
 *   are lost with it, as their source was never told they were taken).
 *
 * With SOAK_KEEP=1 the work directory (files, checkpoints, state.json) is
 * kept for inspection.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: { kills: { type: 'string', default: '5' }, files: { type: 'string' }, seed: { type: 'string', default: '7' }, source: { type: 'string', default: 'files' } },
})
const kills = Number(values.kills)
const source = values.source
if (source !== 'files' && source !== 'receiver') throw new RangeError(`--source must be files or receiver, got ${JSON.stringify(source)}`)
const fileCount = source === 'files' ? Number(values.files ?? Math.max(20, kills * 4)) : 0
let seed = Number(values.seed)
const random = (): number => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const work = mkdtempSync(join(tmpdir(), 'sluice-soak-'))
const watched = join(work, 'watched')
mkdirSync(watched)
const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta']
const expected = new Map<string, number>()
const acknowledged = new Set<string>()
let moved = 0

function moveInFile(): void {
  const lines = Array.from({ length: 1 + Math.floor(random() * 20) }, () => Array.from({ length: 1 + Math.floor(random() * 8) }, () => words[Math.floor(random() * words.length)] as string).join(' '))
  for (const line of lines) for (const word of line.split(' ')) expected.set(word, (expected.get(word) ?? 0) + 1)
  const staging = join(work, `staging-${moved}`)
  writeFileSync(staging, `${lines.join('\n')}\n`)
  renameSync(staging, join(watched, `words-${String(moved).padStart(5, '0')}.txt`))
  moved++
}

/** Starts the child; with `idle`, its receiver stores nothing new, so that its counts settle. */
async function startChild(idle = false): Promise<{ child: ChildProcess; recoveryMs: number }> {
  const started = performance.now()
  const env = idle ? { ...process.env, SOAK_RECEIVER_IDLE: '1' } : process.env
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/soak/soak-child.ts', work, source], { stdio: ['ignore', 'pipe', 'inherit'], env })
  let pending = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const lines = (pending + String(chunk)).split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) {
        if (line === 'ready') resolve()
        else if (line.startsWith('ack ')) acknowledged.add(line.slice(4))
      }
    })
    child.once('exit', (code) => reject(new Error(`the soak child exited with code ${code} before it was ready`)))
  })
  return { child, recoveryMs: performance.now() - started }
}

/** Kills the child and reads the rest of what it printed. */
async function kill(child: ChildProcess): Promise<void> {
  const closed = once(child, 'close')
  child.kill('SIGKILL')
  await closed
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

const recoveries: number[] = []
let { child } = await startChild(kills === 0)
for (let round = 0; round < kills; round++) {
  // Input arrives while the child runs; it dies at a random moment of the next 0.1–1.5 s.
  const until = performance.now() + 100 + random() * 1400
  while (performance.now() < until) {
    if (moved < fileCount && random() < 0.5) moveInFile()
    await sleep(20 + random() * 80)
  }
  await kill(child)
  const restarted = await startChild(round === kills - 1)
  child = restarted.child
  recoveries.push(restarted.recoveryMs)
}
while (moved < fileCount) moveInFile()

/** The counts the child publishes after each batch. */
function published(): { timeMs: number; counts: Record<string, number> } | null {
  const path = join(work, 'state.json')
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { timeMs: number; counts: Record<string, number> }) : null
}

let counts: Record<string, number> = {}
const deadline = performance.now() + 60_000
if (source === 'files') {
  const total = [...expected.values()].reduce((a, b) => a + b, 0)
  while (performance.now() < deadline) {
    counts = published()?.counts ?? {}
    if (Object.values(counts).reduce((a, b) => a + b, 0) >= total) break
    await sleep(200)
  }
} else {
  // The last child stores nothing new: once every acknowledged record is counted, two more batches show the counts settled.
  for (const record of acknowledged) expected.set(record, 1)
  let settledAt: number | null = null
  while (performance.now() < deadline) {
    const state = published()
    counts = state?.counts ?? {}
    if (state !== null && [...acknowledged].every((record) => counts[record] !== undefined)) {
      settledAt ??= state.timeMs
      if (state.timeMs >= settledAt + 400) break
    }
    await sleep(100)
  }
}
await kill(child)

let lost = 0
let doubled = 0
for (const key of new Set([...expected.keys(), ...Object.keys(counts)])) {
  const count = counts[key] ?? 0
  if (source === 'receiver') {
    // A record logged in the moment before a kill, but not yet acknowledged, may be counted once.
    if (count > 1) doubled += count - 1
    else if (count === 0 && acknowledged.has(key)) lost++
    continue
  }
  const difference = count - (expected.get(key) ?? 0)
  if (difference < 0) lost -= difference
  else doubled += difference
}
const sorted = [...recoveries].sort((a, b) => a - b)
const at = (q: number): number => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN)
const input =
  source === 'files'
    ? { files: moved, words: [...expected.values()].reduce((a, b) => a + b, 0) }
    : { acknowledged: acknowledged.size, countedUnacknowledged: Object.keys(counts).filter((key) => !acknowledged.has(key)).length }
process.stdout.write(`${JSON.stringify({ soak: 'crash', source, kills, ...input, lost, doubled, recoveryMedianMs: at(0.5), recoveryP95Ms: at(0.95) })}\n`)
if (process.env.SOAK_KEEP === undefined) rmSync(work, { recursive: true, force: true })
else process.stderr.write(`kept ${work}\n`)
if (lost !== 0 || doubled !== 0) {
  process.stderr.write(`crash soak FAILED: ${lost} ${source === 'files' ? 'words' : 'acknowledged records'} lost, ${doubled} counted twice\n`)
  process.exit(1)
}
