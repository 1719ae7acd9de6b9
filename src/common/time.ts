/**
 * A span of time in whole milliseconds, as Spark's `Duration`.
 * `Seconds(1).toString()` is `"1000 ms"`.
 */
export class Duration {
  constructor(readonly milliseconds: number) {
    if (!Number.isInteger(milliseconds)) throw new RangeError(`A duration must be a whole number of milliseconds, got ${milliseconds}`)
  }

  plus(other: Duration): Duration {
    return new Duration(this.milliseconds + other.milliseconds)
  }

  minus(other: Duration): Duration {
    return new Duration(this.milliseconds - other.milliseconds)
  }

  times(factor: number): Duration {
    return new Duration(this.milliseconds * factor)
  }

  isMultipleOf(other: Duration): boolean {
    return other.milliseconds !== 0 && this.milliseconds % other.milliseconds === 0
  }

  toString(): string {
    return `${this.milliseconds} ms`
  }
}

export function Milliseconds(n: number): Duration {
  return new Duration(n)
}

export function Seconds(n: number): Duration {
  return new Duration(Math.round(n * 1000))
}

export function Minutes(n: number): Duration {
  return new Duration(Math.round(n * 60_000))
}

/** A point in time in epoch milliseconds: a batch time. `toString()` is `"1357008430000 ms"`. */
export class Time {
  constructor(readonly milliseconds: number) {
    if (!Number.isInteger(milliseconds)) throw new RangeError(`A time must be a whole number of milliseconds, got ${milliseconds}`)
  }

  plus(duration: Duration): Time {
    return new Time(this.milliseconds + duration.milliseconds)
  }

  minus(duration: Duration): Time {
    return new Time(this.milliseconds - duration.milliseconds)
  }

  since(other: Time): Duration {
    return new Duration(this.milliseconds - other.milliseconds)
  }

  isMultipleOf(duration: Duration): boolean {
    return this.milliseconds % duration.milliseconds === 0
  }

  /** The latest time at or before this one that is a multiple of `duration` after `zero` (Spark's `Time.floor`). */
  floor(duration: Duration, zero = new Time(0)): Time {
    const offset = this.milliseconds - zero.milliseconds
    return new Time(zero.milliseconds + Math.floor(offset / duration.milliseconds) * duration.milliseconds)
  }

  isBefore(other: Time): boolean {
    return this.milliseconds < other.milliseconds
  }

  isAfter(other: Time): boolean {
    return this.milliseconds > other.milliseconds
  }

  equals(other: Time): boolean {
    return this.milliseconds === other.milliseconds
  }

  toString(): string {
    return `${this.milliseconds} ms`
  }
}

/** A Duration, or a plain number of milliseconds as every API that takes a Duration accepts. */
export type DurationLike = Duration | number

export function toDuration(value: DurationLike, what: string): Duration {
  if (value instanceof Duration) return value
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${what} must be a Duration or a whole number of milliseconds, got ${typeof value === 'number' ? value : typeof value}`)
  }
  return new Duration(value)
}

export function toTime(value: Time | number, what: string): Time {
  if (value instanceof Time) return value
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(`${what} must be a Time or a whole number of milliseconds, got ${String(value)}`)
  return new Time(value)
}
