import { applyAccumulatorUpdates } from '../closure/accumulator.js'
import { logger } from '../common/logger.js'
import type { ShuffleDependency } from '../rdd/dependency.js'
import type { RDD } from '../rdd/index.js'
import type { StateChanges, TaskOutput } from '../rdd/plan.js'
import { decode } from '../serde/index.js'
import type { BlockManager } from './block-manager.js'
import type { MapOutputTracker } from './map-output-tracker.js'
import type { Success, TaskSetManager } from './task-set-manager.js'

/**
 * Spark's DAGScheduler: cuts an RDD's lineage into stages at shuffle
 * dependencies, runs the map stages whose output is missing (independent
 * ones in parallel, each shuffle at most once even when jobs overlap), then
 * the job's result stage. Narrow operations between two shuffles are one
 * stage, and one task per partition computes them fused.
 */
export class DAGScheduler {
  readonly #tasks: TaskSetManager
  readonly #mapOutputs: MapOutputTracker
  readonly #blocks: BlockManager
  readonly #onStateChanges: (changes: readonly StateChanges[]) => void
  readonly #shuffleStages = new Map<number, { readonly stageId: number; done: Promise<void> | null }>()
  #nextJobId = 0
  #nextStageId = 0

  constructor(tasks: TaskSetManager, mapOutputs: MapOutputTracker, blocks: BlockManager, onStateChanges: (changes: readonly StateChanges[]) => void) {
    this.#tasks = tasks
    this.#mapOutputs = mapOutputs
    this.#blocks = blocks
    this.#onStateChanges = onStateChanges
  }

  /** Computes `output` for the given partitions of `rdd` (all by default); one decoded result per partition, in order. */
  async runJob<U>(rdd: RDD<unknown>, output: TaskOutput, partitions?: readonly number[]): Promise<U[]> {
    const jobId = this.#nextJobId++
    const started = performance.now()
    const targets = partitions ?? Array.from({ length: rdd.getNumPartitions() }, (_, i) => i)
    // As in Spark, a job over no partitions returns at once, without running the stages behind it.
    if (targets.length === 0) return []
    await prepareLineage(rdd, new Set())
    await this.#computeParents(rdd, jobId)
    const stageId = this.#nextStageId++
    const results = await this.#tasks.run({
      jobId,
      stageId,
      description: String(rdd),
      partitions: targets,
      plan: (partition) => rdd.plan(partition),
      output,
      preferredExecutor: (partition) => rdd.preferredLocation(partition),
      onTaskSuccess: (result) => this.#keep(result),
    })
    const values = results.map((result) => (result.value === null ? null : decode(result.value)) as U)
    logger.info('DAGScheduler', `Job ${jobId} finished: ${output.kind} on ${rdd}, took ${((performance.now() - started) / 1000).toFixed(3)} s`)
    return values
  }

  /** What a successful task leaves on the driver besides its value; kept even when a later task of the job fails, as in Spark. */
  #keep(result: Success): void {
    for (const block of result.cachedBlocks) this.#blocks.put(block.rddId, block.partition, block.bytes)
    applyAccumulatorUpdates(result.accumulatorUpdates)
    if (result.stateChanges.length > 0) this.#onStateChanges(result.stateChanges)
  }

  /** Runs every map stage that `rdd`'s stage reads from and that has no output yet. */
  async #computeParents(rdd: RDD<unknown>, jobId: number): Promise<void> {
    await Promise.all(shuffleDependenciesOf(rdd).map((dependency) => this.#computeShuffle(dependency, jobId)))
  }

  #computeShuffle(dependency: ShuffleDependency, jobId: number): Promise<void> {
    let stage = this.#shuffleStages.get(dependency.shuffleId)
    if (stage === undefined) {
      stage = { stageId: this.#nextStageId++, done: null }
      this.#shuffleStages.set(dependency.shuffleId, stage)
    }
    if (this.#mapOutputs.has(dependency.shuffleId)) return Promise.resolve()
    const running = stage
    running.done ??= this.#runShuffleStage(dependency, running.stageId, jobId).finally(() => {
      running.done = null
    })
    return running.done
  }

  async #runShuffleStage(dependency: ShuffleDependency, stageId: number, jobId: number): Promise<void> {
    const parent = dependency.rdd
    await this.#computeParents(parent, jobId)
    const results = await this.#tasks.run({
      jobId,
      stageId,
      description: String(parent),
      partitions: Array.from({ length: parent.getNumPartitions() }, (_, i) => i),
      plan: (partition) => parent.plan(partition),
      output: { kind: 'shuffleWrite', partitioner: dependency.partitioner.spec(), combine: dependency.mapSideCombine ? dependency.aggregator : null },
      preferredExecutor: (partition) => parent.preferredLocation(partition),
      onTaskSuccess: (result) => this.#keep(result),
    })
    this.#mapOutputs.register(dependency.shuffleId, results.map((result) => result.blocks ?? []))
  }
}

/** The shuffle dependencies reachable from `rdd` through narrow ones: the boundaries of its stage. */
function shuffleDependenciesOf(rdd: RDD<unknown>): ShuffleDependency[] {
  const found: ShuffleDependency[] = []
  const visited = new Set<RDD<unknown>>()
  const visit = (current: RDD<unknown>): void => {
    if (visited.has(current) || current.isMaterialized) return
    visited.add(current)
    for (const dependency of current.dependencies) {
      if (dependency.kind === 'shuffle') found.push(dependency)
      else visit(dependency.rdd)
    }
  }
  visit(rdd)
  return found
}

/** Runs each RDD's driver-side preparation (sampling, counting), parents before children. */
async function prepareLineage(rdd: RDD<unknown>, visited: Set<RDD<unknown>>): Promise<void> {
  if (visited.has(rdd) || rdd.isMaterialized) return
  visited.add(rdd)
  for (const dependency of rdd.dependencies) await prepareLineage(dependency.rdd, visited)
  await rdd.prepare()
}
