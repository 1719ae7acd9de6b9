import { runTask } from '../src/executor/run-task.js'
import type { TaskDescription, TaskResult } from '../src/rdd/plan.js'
import { mapWithStateHandler } from '../src/state/map-with-state-update.js'

/** piscina entry point: one call per task; keyed state lives in this worker between tasks. */
export default function runOneTask(task: TaskDescription): TaskResult {
  return runTask(task, mapWithStateHandler)
}
