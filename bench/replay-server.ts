/**
 * A line server for benchmarks: replays a text file to each client as fast
 * as `--mbps` allows, in line-aligned chunks of about 64 KiB, so that the
 * feeder itself costs little next to the stream it feeds. Runs as its own
 * process; prints its port on stdout when listening.
 *
 *   npx tsx bench/replay-server.ts --file text.txt --mbps 20
 */
import { readFileSync } from 'node:fs'
import { type AddressInfo, type Socket, createServer } from 'node:net'
import { parseArgs } from 'node:util'

const CHUNK_BYTES = 64 * 1024
const TICK_MS = 10

const { values } = parseArgs({ options: { file: { type: 'string' }, mbps: { type: 'string' } } })
if (values.file === undefined || values.mbps === undefined) throw new Error('usage: replay-server --file path --mbps rate')
const bytesPerMs = (Number(values.mbps) * 1024 * 1024) / 1000
const chunks = lineAlignedChunks(readFileSync(values.file))

const server = createServer((socket) => void replay(socket))
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`))
process.on('disconnect', () => process.exit(0))

async function replay(socket: Socket): Promise<void> {
  let open = true
  socket.on('close', () => (open = false))
  socket.on('error', () => (open = false))
  const started = Date.now()
  let sent = 0
  for (let index = 0; open; index = (index + 1) % chunks.length) {
    const chunk = chunks[index] as Buffer
    const dueAt = started + (sent + chunk.length) / bytesPerMs
    const wait = dueAt - Date.now()
    if (wait > TICK_MS) await new Promise((resolve) => setTimeout(resolve, wait))
    if (!socket.write(chunk)) await new Promise((resolve) => socket.once('drain', resolve))
    sent += chunk.length
  }
}

function lineAlignedChunks(text: Buffer): Buffer[] {
  const result: Buffer[] = []
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf(10, Math.min(text.length - 1, start + CHUNK_BYTES))
    const end = newline === -1 ? text.length : newline + 1
    result.push(text.subarray(start, end))
    start = end
  }
  return result
}
