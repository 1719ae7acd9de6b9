import { describe, expect, it } from 'vitest'

import { runBatches } from '../../support/run-batches.js'

describe('count', () => {
  it('gives one record per batch, 0 for an empty batch', async () => {
    const output = await runBatches({
      input: [[], [1], [1, 2], [1, 2, 3], [1, 2, 3, 4]],
      operation: (s) => s.count(),
    })

    expect(output).toEqual([[0], [1], [2], [3], [4]])
  })
})

describe('countByValue', () => {
  it('counts each distinct value of each batch', async () => {
    const output = await runBatches({
      input: [[1], [1, 1, 1], [1, 2], [1, 1, 2, 2]],
      operation: (s) => s.countByValue(),
      sort: true,
    })

    expect(output).toEqual([[[1, 1]], [[1, 3]], [[1, 1], [2, 1]], [[1, 2], [2, 2]]])
  })

  it('counts values by value, and spreads them over the partitions asked for', async () => {
    const output = await runBatches({
      input: [[['a', 1], ['a', 1], ['b', 1]], []],
      operation: (s) => s.countByValue(3),
      sort: true,
    })
    const partitions = await runBatches({
      input: [[['a', 1], ['a', 1], ['b', 1]]],
      operation: (s) => s.countByValue(3).glom(),
    })

    expect(output).toEqual([[[['a', 1], 2], [['b', 1], 1]], []])
    expect(partitions[0]).toHaveLength(3)
  })
})

describe('reduce', () => {
  it('reduces each batch to one record', async () => {
    const output = await runBatches({
      input: [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]],
      operation: (s) => s.reduce((a, b) => a + b),
    })

    expect(output).toEqual([[10], [26], [42]])
  })

  it('gives an empty batch for an empty input batch', async () => {
    const output = await runBatches({
      input: [[], ['x'], []],
      operation: (s) => s.reduce((a, b) => a + b),
    })

    expect(output).toEqual([[], ['x'], []])
  })
})
