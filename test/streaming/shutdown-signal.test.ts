import { spawn } from 'node:child_process'
import { once } from 'node:events'

import { describe, expect, it } from 'vitest'

describe('spark.streaming.stopGracefullyOnShutdown', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('stops the StreamingContext and its SparkContext gracefully on %s, and the process exits 0', async (signal) => {
    const child = spawn('node_modules/.bin/tsx', ['test/fixtures/graceful-shutdown.ts'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += String(chunk)
      if (output.includes('ready') && !child.killed) child.kill(signal)
    })
    const [code] = (await once(child, 'exit')) as [number | null]

    expect(output).toContain('ready')
    expect(output).toContain('terminated STOPPED true')
    expect(code).toBe(0)
  })
})
