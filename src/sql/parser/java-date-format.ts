/** Java `DateTimeFormatter` letters (Spark's datetime patterns) as DuckDB strftime/strptime specifiers, by run length. */
const SPECIFIERS: Readonly<Record<string, readonly string[]>> = {
  y: ['%Y', '%y', '%Y', '%Y'],
  M: ['%-m', '%m', '%b', '%B'],
  L: ['%-m', '%m', '%b', '%B'],
  d: ['%-d', '%d'],
  D: ['%-j', '%j', '%j'],
  H: ['%-H', '%H'],
  h: ['%-I', '%I'],
  k: ['%-H', '%H'],
  K: ['%-I', '%I'],
  m: ['%-M', '%M'],
  s: ['%-S', '%S'],
  a: ['%p'],
  E: ['%a', '%a', '%a', '%A'],
  z: ['%Z', '%Z', '%Z', '%Z'],
  Z: ['%z', '%z', '%z'],
  X: ['%z', '%z', '%z'],
  x: ['%z', '%z', '%z'],
}

/**
 * Translates a Spark datetime pattern (`yyyy-MM-dd HH:mm:ss`) into DuckDB's
 * strftime form (`%Y-%m-%d %H:%M:%S`). Fractions of a second become
 * milliseconds (`SSS`) or microseconds (`SSSSSS`); text in single quotes is
 * literal. With `forParsing`, unpadded fields parse padded or not, as
 * strptime's `%m` already does.
 */
export function javaToStrftime(pattern: string, forParsing = false): string {
  let out = ''
  let at = 0
  while (at < pattern.length) {
    const char = pattern[at]!
    if (char === "'") {
      const close = pattern.indexOf("'", at + 1)
      const literal = close < 0 ? pattern.slice(at + 1) : pattern.slice(at + 1, close)
      out += literal === '' ? "'" : literal.replaceAll('%', '%%')
      at = close < 0 ? pattern.length : close + 1
      continue
    }
    let run = 1
    while (pattern[at + run] === char) run++
    at += run
    if (char === 'S') {
      out += run <= 3 ? '%g' : '%f'
      continue
    }
    const choices = SPECIFIERS[char]
    if (choices === undefined) {
      out += (/[A-Za-z]/.test(char) ? '' : char.repeat(run)).replaceAll('%', '%%')
      continue
    }
    const specifier = choices[Math.min(run, choices.length) - 1]!
    out += forParsing ? specifier.replace('%-', '%') : specifier
  }
  return out
}
