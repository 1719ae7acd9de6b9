export { BlockManager } from './block-manager.js'
export { DAGScheduler } from './dag-scheduler.js'
export { MapOutputTracker } from './map-output-tracker.js'
export { TaskSetManager } from './task-set-manager.js'
