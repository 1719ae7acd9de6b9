/** Spark's WindowOperationsSuite tables, shared by the window test files. */
export type Count = [string, number]

export const largerSlideInput: Count[][] = [
  [['a', 1]],
  [['a', 2]], // 1st window from here
  [['a', 3]],
  [['a', 4]], // 2nd window from here
  [['a', 5]],
  [['a', 6]], // 3rd window from here
  [],
  [], // 4th window from here
]

export const largerSlideReduceOutput: Count[][] = [[['a', 3]], [['a', 10]], [['a', 18]], [['a', 11]]]

export const bigInput: Count[][] = [
  [['a', 1]],
  [['a', 1], ['b', 1]],
  [['a', 1], ['b', 1], ['c', 1]],
  [['a', 1], ['b', 1]],
  [['a', 1]],
  [],
  [['a', 1]],
  [['a', 1], ['b', 1]],
  [['a', 1], ['b', 1], ['c', 1]],
  [['a', 1], ['b', 1]],
  [['a', 1]],
  [],
]

export const bigGroupByOutput: [string, number[]][][] = [
  [['a', [1]]],
  [['a', [1, 1]], ['b', [1]]],
  [['a', [1, 1]], ['b', [1, 1]], ['c', [1]]],
  [['a', [1, 1]], ['b', [1, 1]], ['c', [1]]],
  [['a', [1, 1]], ['b', [1]]],
  [['a', [1]]],
  [['a', [1]]],
  [['a', [1, 1]], ['b', [1]]],
  [['a', [1, 1]], ['b', [1, 1]], ['c', [1]]],
  [['a', [1, 1]], ['b', [1, 1]], ['c', [1]]],
  [['a', [1, 1]], ['b', [1]]],
  [['a', [1]]],
]

export const bigReduceOutput: Count[][] = [
  [['a', 1]],
  [['a', 2], ['b', 1]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 1]],
  [['a', 1]],
  [['a', 1]],
  [['a', 2], ['b', 1]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 1]],
  [['a', 1]],
]

/** With an inverse function but no filter, keys whose value falls back to 0 stay in the window. */
export const bigReduceInvOutput: Count[][] = [
  [['a', 1]],
  [['a', 2], ['b', 1]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 1], ['c', 0]],
  [['a', 1], ['b', 0], ['c', 0]],
  [['a', 1], ['b', 0], ['c', 0]],
  [['a', 2], ['b', 1], ['c', 0]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 1], ['c', 0]],
  [['a', 1], ['b', 0], ['c', 0]],
]
