import { type SocketConverter, SocketReceiver, type SocketStreamOptions } from '../../receiver/socket-receiver.js'
import type { StreamingContext } from '../streaming-context.js'
import { ReceiverInputDStream } from './internal.js'

/**
 * `ssc.socketTextStream(host, port)` and `ssc.socketStream(host, port,
 * converter)`: a TCP client on the driver reads `host:port` and stores what
 * `converter` makes of the bytes (lines, for socketTextStream). When the
 * server is not there or goes away, the stream reports it to listeners
 * (`onReceiverError`) and reconnects with a growing delay; batches go on,
 * empty, meanwhile.
 */
export class SocketInputDStream<T> extends ReceiverInputDStream<T> {
  readonly host: string
  readonly port: number

  constructor(
    context: StreamingContext,
    host: string,
    port: number,
    converter: SocketConverter<T>,
    options: SocketStreamOptions = {},
    operation = 'socketStream',
  ) {
    if (typeof host !== 'string' || host === '') throw new TypeError(`${operation} needs a host name or address, got ${JSON.stringify(host)}`)
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`${operation} port must be a whole number from 1 to 65535, got ${String(port)}`)
    if (typeof converter !== 'function') throw new TypeError(`${operation} needs a converter (bytes) => AsyncIterable of records, such as socketLines(), got ${typeof converter}`)
    super(context, new SocketReceiver(host, port, converter, options), operation)
    this.host = host
    this.port = port
  }
}
