export { DStream, type Job } from './dstream/internal.js'
export type { BatchInfo, OutputOperationInfo, ReceiverInfo, StreamingListener } from './listener.js'
export { StreamingContext, type StreamingContextOptions, type StreamingContextState } from './streaming-context.js'
