/**
 * How a record reads when printed (`DStream.print`) or saved as text
 * (`saveAsTextFile`), after Scala's `toString`: a pair prints as `(a,b)`,
 * other arrays as `[a, b]`, plain objects as JSON, everything else as
 * `String(value)`.
 */
export function formatRecord(value: unknown): string {
  if (Array.isArray(value)) {
    if (value.length === 2) return `(${formatRecord(value[0])},${formatRecord(value[1])})`
    return `[${value.map(formatRecord).join(', ')}]`
  }
  if (value instanceof Map) return `Map(${[...value].map(([k, v]) => `${formatRecord(k)} -> ${formatRecord(v)}`).join(', ')})`
  if (value instanceof Set) return `Set(${[...value].map(formatRecord).join(', ')})`
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) return JSON.stringify(value, jsonReplacer)
  return String(value)
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value
}
