import { runTask } from '../src/executor/run-task.js'
import type { TaskDescription, TaskResult } from '../src/rdd/plan.js'

/** piscina entry point: one call per task. */
export default function runOneTask(task: TaskDescription): TaskResult {
  return runTask(task)
}
