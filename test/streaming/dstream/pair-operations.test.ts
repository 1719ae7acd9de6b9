import { describe, expect, it } from 'vitest'

import { type DStream, ManualClock, Seconds, StreamingContext, type Time } from '../../../src/index.js'
import { thrownBy } from '../../support/rejection.js'
import { runBatches, sharedSparkContext } from '../../support/run-batches.js'

type Pair<V> = [string, V]

// Spark's BasicOperationsSuite inputs; pair batches are compared sorted (Spark's useSet).
const words = [['a', 'a', 'b'], ['', ''], []]
const left = [['a', 'b'], ['a', ''], [''], []]
const right = [['a', 'b'], ['b', ''], [], ['']]

describe('per-batch pair operations', () => {
  it('reduceByKey reduces the values of each key within each batch', async () => {
    const output = await runBatches({
      input: words,
      operation: (s) => s.map((x) => [x, 1] as Pair<number>).reduceByKey((a, b) => a + b),
      sort: true,
    })

    expect(output).toEqual([[['a', 2], ['b', 1]], [['', 2]], []])
  })

  it('reduceByKey spreads its output over the partitions asked for', async () => {
    const output = await runBatches({
      input: [['a', 'b', 'c', 'd', 'e']],
      operation: (s) => s.map((x) => [x, 1] as Pair<number>).reduceByKey((a, b) => a + b, 3).glom(),
    })

    expect(output[0]).toHaveLength(3)
  })

  it('groupByKey gathers the values of each key within each batch', async () => {
    const output = await runBatches({
      input: words,
      operation: (s) => s.map((x) => [x, 1] as Pair<number>).groupByKey(),
      sort: true,
    })

    expect(output).toEqual([[['a', [1, 1]], ['b', [1]]], [['', [1, 1]]], []])
  })

  it('mapValues keeps the keys and maps the values', async () => {
    const output = await runBatches({
      input: words,
      operation: (s) =>
        s
          .map((x) => [x, 1] as Pair<number>)
          .reduceByKey((a, b) => a + b)
          .mapValues((n) => n + 10),
      sort: true,
    })

    expect(output).toEqual([[['a', 12], ['b', 11]], [['', 12]], []])
  })

  it('flatMapValues emits one pair per value of the iterable', async () => {
    const output = await runBatches({
      input: words,
      operation: (s) =>
        s
          .map((x) => [x, 1] as Pair<number>)
          .reduceByKey((a, b) => a + b)
          .flatMapValues((n) => [n, n + 10]),
      sort: true,
    })

    expect(output).toEqual([[['a', 2], ['a', 12], ['b', 1], ['b', 11]], [['', 2], ['', 12]], []])
  })

  it('combineByKey combines the values of each key within each batch', async () => {
    const output = await runBatches({
      input: [[['a', 1], ['b', 2], ['a', 3]], [['b', 4]], []] as Pair<number>[][],
      operation: (s) =>
        s.combineByKey(
          (v) => [v],
          (acc: number[], v) => [...acc, v].sort((x, y) => x - y),
          (a, b) => [...a, ...b].sort((x, y) => x - y),
        ),
      sort: true,
    })

    expect(output).toEqual([[['a', [1, 3]], ['b', [2]]], [['b', [4]]], []])
  })

  it('groups keys by value: arrays and objects with the same contents are one key', async () => {
    const output = await runBatches({
      input: [
        [
          [['u', 1], 1],
          [['u', 1], 2],
          [{ x: 1, y: 2 }, 3],
          [{ y: 2, x: 1 }, 4],
        ],
      ] as [unknown, number][][],
      operation: (s) => s.reduceByKey((a, b) => a + b),
      sort: true,
    })

    expect(output).toEqual([[[['u', 1], 3], [{ x: 1, y: 2 }, 7]]])
  })
})

describe('stream–stream joins and cogroup, batch by batch', () => {
  const ones = (s: DStream<string>) => s.map((x) => [x, 1] as Pair<number>)
  const exes = (s: DStream<string>) => s.map((x) => [x, 'x'] as Pair<string>)

  it('join pairs the values of keys present in both batches', async () => {
    const output = await runBatches({ input: left, otherInput: right, operation: (s1, s2) => ones(s1).join(exes(s2)), sort: true })

    expect(output).toEqual([[['a', [1, 'x']], ['b', [1, 'x']]], [['', [1, 'x']]], [], []])
  })

  it('leftOuterJoin keeps every key of the left batch, with null for a missing right value', async () => {
    const output = await runBatches({ input: left, otherInput: right, operation: (s1, s2) => ones(s1).leftOuterJoin(exes(s2)), sort: true })

    expect(output).toEqual([
      [['a', [1, 'x']], ['b', [1, 'x']]],
      [['', [1, 'x']], ['a', [1, null]]],
      [['', [1, null]]],
      [],
    ])
  })

  it('rightOuterJoin keeps every key of the right batch, with null for a missing left value', async () => {
    const output = await runBatches({ input: left, otherInput: right, operation: (s1, s2) => ones(s1).rightOuterJoin(exes(s2)), sort: true })

    expect(output).toEqual([
      [['a', [1, 'x']], ['b', [1, 'x']]],
      [['', [1, 'x']], ['b', [null, 'x']]],
      [],
      [['', [null, 'x']]],
    ])
  })

  it('fullOuterJoin keeps every key of either batch, with null for the missing side', async () => {
    const output = await runBatches({ input: left, otherInput: right, operation: (s1, s2) => ones(s1).fullOuterJoin(exes(s2)), sort: true })

    expect(output).toEqual([
      [['a', [1, 'x']], ['b', [1, 'x']]],
      [['', [1, 'x']], ['a', [1, null]], ['b', [null, 'x']]],
      [['', [1, null]]],
      [['', [null, 'x']]],
    ])
  })

  it('cogroup gives each key the values of both batches', async () => {
    const output = await runBatches({
      input: [['a', 'a', 'b'], ['a', ''], [''], []],
      otherInput: [['a', 'a', 'b'], ['b', ''], [], []],
      operation: (s1, s2) => ones(s1).cogroup(exes(s2)),
      sort: true,
    })

    expect(output).toEqual([
      [['a', [[1, 1], ['x', 'x']]], ['b', [[1], ['x']]]],
      [['', [[1], ['x']]], ['a', [[1], []]], ['b', [[], ['x']]]],
      [['', [[1], []]]],
      [],
    ])
  })

  it('join spreads its output over the partitions asked for', async () => {
    const output = await runBatches({ input: [['a', 'b', 'c']], otherInput: [['a', 'b', 'c']], operation: (s1, s2) => ones(s1).join(exes(s2), 4).glom() })

    expect(output[0]).toHaveLength(4)
  })
})

describe('streams of different slides', () => {
  it('cannot be joined batch by batch', async () => {
    const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock: new ManualClock() })
    try {
      const pairs = ssc.queueStream<Pair<number>>([])
      const error = thrownBy<RangeError>(() => pairs.join(pairs.window(Seconds(4), Seconds(2))))

      expect(error).toBeInstanceOf(RangeError)
      expect(error.message).toBe('join needs streams with the same slide duration, got 1000 ms and 2000 ms; window them to a common slide first')
    } finally {
      await ssc.stop(false)
    }
  })
})

describe('types', () => {
  it('offers pair operations only on streams of pairs', async () => {
    const ssc = new StreamingContext(sharedSparkContext(), Seconds(1), { clock: new ManualClock() })
    try {
      const numbers = ssc.queueStream<number>([])
      const pairs = ssc.queueStream<[string, number]>([])
      const check = (): void => {
        // @ts-expect-error reduceByKey needs a stream of pairs
        numbers.reduceByKey((a: number, b: number) => a + b)
        // @ts-expect-error groupByKey needs a stream of pairs
        numbers.groupByKey()
        // @ts-expect-error join needs a stream of pairs on the left
        numbers.join(pairs)
        // @ts-expect-error updateStateByKey needs a stream of pairs
        numbers.updateStateByKey((values: number[], state: number | null) => state)
        pairs.reduceByKey((a, b) => a + b)
      }
      // Both forms of updateStateByKey type-check with annotated functions, and give the state's type.
      const sums: DStream<[string, number]> = pairs.updateStateByKey((values: number[], state: number | null) => (state ?? 0) + values.length)
      const stamps: DStream<[string, string]> = pairs.updateStateByKey((time: Time, key: string, values: number[], state: string | null) =>
        values.length > 0 ? `${key}@${time.milliseconds}` : state,
      )
      const named = (values: number[], state: number | null): number | null => (values.length === 0 ? null : (state ?? 0) + 1)
      const counts: DStream<[string, number]> = pairs.updateStateByKey(named, { numPartitions: 2 })

      expect(typeof check).toBe('function')
      expect([sums, stamps, counts].map((stream) => stream.constructor.name)).toEqual(['StateDStream', 'StateDStream', 'StateDStream'])
    } finally {
      await ssc.stop(false)
    }
  })
})
