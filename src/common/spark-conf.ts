/**
 * Configuration of a sluice application as key-value pairs with Spark's key
 * names (`spark.task.maxFailures`, `spark.default.parallelism`, ...).
 * Setters return `this` so calls chain as in Spark.
 *
 * @example
 * const conf = new SparkConf().setMaster('local[2]').setAppName('wordcount')
 */
export class SparkConf {
  readonly #settings = new Map<string, string>()

  set(key: string, value: string | number | boolean): this {
    this.#settings.set(key, String(value))
    return this
  }

  setMaster(master: string): this {
    return this.set('spark.master', master)
  }

  setAppName(name: string): this {
    return this.set('spark.app.name', name)
  }

  setAll(entries: Iterable<readonly [string, string | number | boolean]>): this {
    for (const [key, value] of entries) this.set(key, value)
    return this
  }

  get(key: string, defaultValue?: string): string {
    const value = this.#settings.get(key) ?? defaultValue
    if (value === undefined) throw new Error(`No value for configuration key ${key}; set it with conf.set(${JSON.stringify(key)}, value)`)
    return value
  }

  getOption(key: string): string | null {
    return this.#settings.get(key) ?? null
  }

  getInt(key: string, defaultValue: number): number {
    const raw = this.#settings.get(key)
    if (raw === undefined) return defaultValue
    const value = Number(raw)
    if (!Number.isInteger(value)) throw new RangeError(`Configuration ${key} must be an integer, got ${JSON.stringify(raw)}`)
    return value
  }

  getBoolean(key: string, defaultValue: boolean): boolean {
    const raw = this.#settings.get(key)
    if (raw === undefined) return defaultValue
    if (raw !== 'true' && raw !== 'false') throw new RangeError(`Configuration ${key} must be true or false, got ${JSON.stringify(raw)}`)
    return raw === 'true'
  }

  contains(key: string): boolean {
    return this.#settings.has(key)
  }

  getAll(): [string, string][] {
    return [...this.#settings].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  }

  clone(): SparkConf {
    return new SparkConf().setAll(this.#settings)
  }
}
