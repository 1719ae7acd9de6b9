/** The candidates closest to `name` by edit distance (ignoring case), best first; at most `limit`, none that differ too much. */
export function closeMatches(name: string, candidates: Iterable<string>, limit = 5): string[] {
  const target = name.toLowerCase()
  const scored: [string, number][] = []
  for (const candidate of new Set(candidates)) {
    const distance = editDistance(target, candidate.toLowerCase())
    if (distance <= Math.max(2, Math.floor(Math.max(target.length, candidate.length) / 3))) scored.push([candidate, distance])
  }
  return scored
    .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, limit)
    .map(([candidate]) => candidate)
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]!
}
