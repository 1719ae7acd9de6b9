// Worker threads start without a TypeScript loader when the driver runs under
// vitest or plain node, so the entry registers tsx's hooks before loading the
// TypeScript task worker. Under the tsx CLI this adds a second, harmless layer.
import { register } from 'tsx/esm/api'

register()
const { default: runOneTask } = await import('./task-worker.ts')

export default runOneTask
