import { describe, expect, it } from 'vitest'

import { IllegalStateError, NotSerializableError } from '../../src/common/errors.js'
import { broadcastBytes, capture, compileShipped, createBroadcast, shipFunction, workerBroadcast } from '../../src/closure/index.js'

describe('Broadcast', () => {
  it('gives the driver its own value and tasks the encoded bytes in shared memory', () => {
    const table = { a: 1, b: [2, 3] }

    const broadcast = createBroadcast(table)

    expect(broadcast.value).toBe(table)
    expect(broadcastBytes(broadcast.id).buffer).toBeInstanceOf(SharedArrayBuffer)
  })

  it('decodes the bytes on a worker once per id and hands later tasks the same handle', () => {
    const broadcast = createBroadcast(new Map([['k', [1, 2]]]))
    const bytes = broadcastBytes(broadcast.id)

    const handle = workerBroadcast(broadcast.id, bytes)

    expect(handle.value).toEqual(new Map([['k', [1, 2]]]))
    expect(handle.value).not.toBe(broadcast.value)
    expect(workerBroadcast(broadcast.id, bytes)).toBe(handle)
    expect(handle.value).toBe(handle.value)
  })

  it('decodes again on a worker after unpersist, while the driver keeps its value', () => {
    const broadcast = createBroadcast(['x'])
    const handle = workerBroadcast(broadcast.id, broadcastBytes(broadcast.id))
    const first = handle.value

    handle.unpersist()
    broadcast.unpersist()

    expect(handle.value).toEqual(first)
    expect(handle.value).not.toBe(first)
    expect(broadcast.value).toEqual(['x'])
  })

  it('can be read inside a captured function once compiled on a worker', () => {
    const stopWords = createBroadcast(new Set(['a', 'the']))
    const keep = capture({ stopWords }, (w: string) => !stopWords.value.has(w))

    const shipped = shipFunction(keep, 'filter')
    const compiled = compileShipped<(w: string) => boolean>(shipped, new Map([[stopWords.id, broadcastBytes(stopWords.id)]]))

    expect(shipped.env).toEqual([{ name: 'stopWords', kind: 'broadcast', id: stopWords.id }])
    expect(['the', 'cat', 'a', 'hat'].filter(compiled)).toEqual(['cat', 'hat'])
  })

  it('refuses to be read or sent to tasks after destroy', () => {
    const broadcast = createBroadcast(42)

    broadcast.destroy()

    expect(() => broadcast.value).toThrow(IllegalStateError)
    expect(() => broadcast.value).toThrow(`Attempted to use Broadcast(${broadcast.id}) after it was destroyed; broadcast the value again with sc.broadcast(value)`)
    expect(() => broadcastBytes(broadcast.id)).toThrow(IllegalStateError)
    expect(() => broadcastBytes(broadcast.id)).toThrow(/was destroyed, but a function given to a transformation still captures it/)
  })

  it('refuses a value that cannot cross threads when it is created', () => {
    expect(() => createBroadcast({ parse: (text: string) => text })).toThrow(NotSerializableError)
    expect(() => createBroadcast({ parse: (text: string) => text })).toThrow(/Cannot ship a function parse found at broadcast \d+\.parse/)
  })
})
