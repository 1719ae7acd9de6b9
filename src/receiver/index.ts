export { Receiver } from './receiver.js'
export { socketLines, type SocketLinesOptions, type SocketTextStreamOptions } from './socket-lines.js'
export type { ChunkedAsyncIterable, SocketConverter, SocketConverterContext, SocketStreamOptions } from './socket-receiver.js'
