/**
 * The crash soak (`npm run soak -- --kills N`): a child runs a
 * textFileStream word count with updateStateByKey and checkpoints while
 * this process moves files into the watched directory and kills the child
 * with SIGKILL at random moments (during batches, checkpoint writes and
 * recovery alike), restarting it each time. At the end the child's counts
 * must equal a reference computed from all the files: no word lost, none
 * counted twice. Prints the recovery times (from restart to running).
 * With SOAK_KEEP=1 the work directory (files, checkpoints, state.json) is
 * kept for inspection.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { kills: { type: 'string', default: '5' }, files: { type: 'string' }, seed: { type: 'string', default: '7' } } })
const kills = Number(values.kills)
const fileCount = Number(values.files ?? Math.max(20, kills * 4))
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
let moved = 0

function moveInFile(): void {
  const lines = Array.from({ length: 1 + Math.floor(random() * 20) }, () => Array.from({ length: 1 + Math.floor(random() * 8) }, () => words[Math.floor(random() * words.length)] as string).join(' '))
  for (const line of lines) for (const word of line.split(' ')) expected.set(word, (expected.get(word) ?? 0) + 1)
  const staging = join(work, `staging-${moved}`)
  writeFileSync(staging, `${lines.join('\n')}\n`)
  renameSync(staging, join(watched, `words-${String(moved).padStart(5, '0')}.txt`))
  moved++
}

async function startChild(): Promise<{ child: ChildProcess; recoveryMs: number }> {
  const started = performance.now()
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/soak/soak-child.ts', work], { stdio: ['ignore', 'pipe', 'inherit'] })
  let output = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += String(chunk)
      if (output.includes('ready')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`the soak child exited with code ${code} before it was ready`)))
  })
  return { child, recoveryMs: performance.now() - started }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

const recoveries: number[] = []
let { child } = await startChild()
for (let kill = 0; kill < kills; kill++) {
  // Files arrive while the child runs; it dies at a random moment of the next 0.1–1.5 s.
  const until = performance.now() + 100 + random() * 1400
  while (performance.now() < until) {
    if (moved < fileCount && random() < 0.5) moveInFile()
    await sleep(20 + random() * 80)
  }
  child.kill('SIGKILL')
  await once(child, 'exit')
  const restarted = await startChild()
  child = restarted.child
  recoveries.push(restarted.recoveryMs)
}
while (moved < fileCount) moveInFile()

const total = [...expected.values()].reduce((a, b) => a + b, 0)
const deadline = performance.now() + 60_000
let counts: Record<string, number> = {}
while (performance.now() < deadline) {
  const published = join(work, 'state.json')
  if (existsSync(published)) {
    counts = (JSON.parse(readFileSync(published, 'utf8')) as { counts: Record<string, number> }).counts
    if (Object.values(counts).reduce((a, b) => a + b, 0) >= total) break
  }
  await sleep(200)
}
child.kill('SIGKILL')

let lost = 0
let doubled = 0
for (const word of new Set([...expected.keys(), ...Object.keys(counts)])) {
  const difference = (counts[word] ?? 0) - (expected.get(word) ?? 0)
  if (difference < 0) lost -= difference
  else doubled += difference
}
const sorted = [...recoveries].sort((a, b) => a - b)
const at = (q: number): number => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN)
process.stdout.write(`${JSON.stringify({ soak: 'crash', kills, files: moved, words: total, lost, doubled, recoveryMedianMs: at(0.5), recoveryP95Ms: at(0.95) })}\n`)
if (process.env.SOAK_KEEP === undefined) rmSync(work, { recursive: true, force: true })
else process.stderr.write(`kept ${work}\n`)
if (lost !== 0 || doubled !== 0) {
  process.stderr.write(`crash soak FAILED: ${lost} words lost, ${doubled} counted twice\n`)
  process.exit(1)
}
