export type { State } from './state.js'
export { StateSpec, type MappingFunction } from './state-spec.js'
