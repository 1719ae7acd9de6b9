import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { Broadcast, ClosureError, IllegalStateError, SparkConf, SparkContext, TaskFailedError, capture } from '../../src/index.js'
import { double } from '../fixtures/closure/helpers.js'
import { type LogCapture, captureLog } from '../support/log-capture.js'
import { rejectionOf, thrownBy } from '../support/rejection.js'

let sc: SparkContext
let log: LogCapture

beforeAll(() => {
  log = captureLog()
  sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('rdd-closures'))
})

afterAll(async () => {
  await sc.stop()
  log.restore()
})

function fixFor(call: string): string {
  return "that cannot see the driver's variables.\nShip what it needs with capture():\n  " + call
}

describe('a function that reads an outer variable', () => {
  it('is refused by map itself, before any job runs, with a ClosureError that names the variable and shows the fix', () => {
    const factor = 3
    const numbers = sc.parallelize([1, 2, 3])

    const error = thrownBy<ClosureError>(() => numbers.map((x: number) => x * factor))

    expect(error).toBeInstanceOf(ClosureError)
    expect(error.variables).toEqual(['factor'])
    expect(error.message).toBe(
      'The function given to map reads factor from its enclosing scope, but it runs on a worker thread ' + fixFor('capture({ factor }, (x) => x * factor)'),
    )
  })

  it('is refused by filter, flatMap and mapPartitions, each naming its operation', () => {
    const limit = 2
    const numbers = sc.parallelize([1, 2, 3])

    const filterError = thrownBy<ClosureError>(() => numbers.filter((x: number) => x > limit))
    const flatMapError = thrownBy<ClosureError>(() => numbers.flatMap((x: number) => [x, limit]))
    const partitionsError = thrownBy<ClosureError>(() => numbers.mapPartitions((xs: Iterable<number>) => [...xs].slice(0, limit)))

    expect(filterError).toBeInstanceOf(ClosureError)
    expect(filterError.message).toMatch(/^The function given to filter reads limit from its enclosing scope/)
    expect(filterError.message).toContain('capture({ limit }, (x) => x > limit)')
    expect(flatMapError).toBeInstanceOf(ClosureError)
    expect(flatMapError.message).toMatch(/^The function given to flatMap reads limit/)
    expect(partitionsError).toBeInstanceOf(ClosureError)
    expect(partitionsError.message).toMatch(/^The function given to mapPartitions reads limit/)
  })

  it('is refused by reduceByKey and mapValues on pair RDDs', () => {
    const bonus = 1
    const pairs = sc.parallelize([['a', 1], ['a', 2]] as [string, number][])

    const reduceError = thrownBy<ClosureError>(() => pairs.reduceByKey((a: number, b: number) => a + b + bonus))
    const mapValuesError = thrownBy<ClosureError>(() => pairs.mapValues((v: number) => v + bonus))

    expect(reduceError).toBeInstanceOf(ClosureError)
    expect(reduceError.variables).toEqual(['bonus'])
    expect(reduceError.message).toMatch(/^The function given to reduceByKey reads bonus from its enclosing scope/)
    expect(reduceError.message).toContain('capture({ bonus }, (a, b) => a + b + bonus)')
    expect(mapValuesError).toBeInstanceOf(ClosureError)
    expect(mapValuesError.message).toMatch(/^The function given to mapValues reads bonus/)
  })

  it('makes foreach return a promise that rejects with the ClosureError, as STYLE.md asks of methods that return promises', async () => {
    const seen: number[] = []
    const numbers = sc.parallelize([1, 2, 3])

    let result: Promise<void> | undefined
    expect(() => {
      result = numbers.foreach((x: number) => {
        seen.push(x)
      })
    }).not.toThrow()
    const error = await rejectionOf<ClosureError>(result as Promise<void>)

    expect(error).toBeInstanceOf(ClosureError)
    expect(error.variables).toEqual(['seen'])
    expect(error.message).toMatch(/^The function given to foreach reads seen from its enclosing scope/)
    expect(seen).toEqual([])
  })

  it('makes reduce, fold and top reject with the ClosureError', async () => {
    const offset = 1
    const numbers = sc.parallelize([1, 2, 3])

    const reduceError = await rejectionOf<ClosureError>(numbers.reduce((a: number, b: number) => a + b + offset))
    const foldError = await rejectionOf<ClosureError>(numbers.fold(0, (a: number, b: number) => a + b + offset))
    const topError = await rejectionOf<ClosureError>(numbers.top(1, (a: number, b: number) => a - b + offset))

    expect(reduceError).toBeInstanceOf(ClosureError)
    expect(reduceError.message).toMatch(/^The function given to reduce reads offset/)
    expect(foldError).toBeInstanceOf(ClosureError)
    expect(foldError.message).toMatch(/^The function given to fold reads offset/)
    expect(topError).toBeInstanceOf(ClosureError)
    expect(topError.message).toMatch(/^The function given to top reads offset/)
  })

  it('names an imported function as an imported binding', () => {
    const error = thrownBy<ClosureError>(() => sc.parallelize([1]).map((x: number) => double(x)))

    expect(error).toBeInstanceOf(ClosureError)
    expect(error.variables).toEqual(['double'])
    expect(error.message).toContain('reads double (an imported binding) from its enclosing scope')
    expect(error.message).toContain('Imported functions must be passed through capture() as well.')
  })
})

describe('capture through the RDD API', () => {
  it('ships the captured values, so map, filter and reduceByKey compute with them', async () => {
    const factor = 3
    const limit = 5
    const bonus = 100

    const result = await sc
      .parallelize([1, 2, 3, 4], 2)
      .map(capture({ factor }, (x: number) => x * factor))
      .filter(capture({ limit }, (x: number) => x > limit))
      .map((x: number) => [x % 2, x] as [number, number])
      .reduceByKey(capture({ bonus }, (a: number, b: number) => a + b + bonus))
      .collect()

    expect(result.sort((a, b) => a[0] - b[0])).toEqual([[0, 6 + 12 + 100], [1, 9]])
  })

  it('ships an imported function given to capture', async () => {
    await expect(sc.parallelize([1, 2, 3], 2).map(capture({ double }, (x: number) => double(x))).collect()).resolves.toEqual([2, 4, 6])
  })

  it("lets foreach add to an accumulator whose total the driver reads", async () => {
    const total = sc.longAccumulator('total')

    await sc.parallelize([1, 2, 3, 4], 2).foreach(capture({ total }, (x: number) => total.add(x)))

    expect(total.value).toBe(10)
  })

  it('fails the task with IllegalStateError when a task reads an accumulator', async () => {
    const total = sc.longAccumulator('total')

    const error = await rejectionOf<TaskFailedError>(sc.parallelize([1], 1).map(capture({ total }, () => total.value)).collect())

    expect(error).toBeInstanceOf(TaskFailedError)
    expect(error.workerMessage).toMatch(new RegExp(`^LongAccumulator ${total.id} cannot be read inside a task; read its value on the driver`))
    expect(error.workerStack).toMatch(/^IllegalStateError: /)
  })
})

describe('a Broadcast captured by a shipped function', () => {
  it('is read through .value on the workers', async () => {
    const names = sc.broadcast(new Map([[1, 'one'], [2, 'two'], [3, 'three']]))

    const result = await sc.parallelize([3, 1, 2, 4], 2).map(capture({ names }, (x: number) => names.value.get(x) ?? null)).collect()

    expect(names).toBeInstanceOf(Broadcast)
    expect(result).toEqual(['three', 'one', 'two', null])
  })

  it('serves every job that captures it, and reads the same on the driver', async () => {
    const stopWords = sc.broadcast(new Set(['a', 'the']))
    const keep = capture({ stopWords }, (w: string) => !stopWords.value.has(w))

    const first = await sc.parallelize(['the', 'cat', 'a', 'hat'], 2).filter(keep).collect()
    const second = await sc.parallelize(['a', 'dog'], 1).filter(keep).count()

    expect(first).toEqual(['cat', 'hat'])
    expect(second).toBe(1)
    expect([...stopWords.value]).toEqual(['a', 'the'])
  })

  it('refuses, when the job runs, a destroyed broadcast that a function still captures', async () => {
    const gone = sc.broadcast(42)
    const rdd = sc.parallelize([1], 1).map(capture({ gone }, (x: number) => x + gone.value))
    gone.destroy()

    const error = await rejectionOf<IllegalStateError>(rdd.collect())

    expect(error).toBeInstanceOf(IllegalStateError)
    expect(error.message).toBe(
      `Broadcast(${gone.id}) was destroyed, but a function given to a transformation still captures it; ` +
        'capture a live broadcast instead, or destroy it only after the last job that uses it',
    )
  })
})
