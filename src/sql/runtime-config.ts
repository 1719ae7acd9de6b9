import type { SparkConf } from '../common/spark-conf.js'

/**
 * `spark.conf`: the session's settings, starting from the SparkContext's
 * configuration plus the builder's `config(...)` calls; `SET key=value`
 * in `spark.sql` changes them too.
 */
export class RuntimeConfig {
  readonly #settings: Map<string, string>

  constructor(conf: SparkConf) {
    this.#settings = new Map(conf.getAll())
  }

  get(key: string, defaultValue?: string): string {
    const value = this.#settings.get(key) ?? defaultValue
    if (value === undefined) throw new Error(`No value for the session setting ${key}; set it with spark.conf.set(${JSON.stringify(key)}, value)`)
    return value
  }

  getOption(key: string): string | null {
    return this.#settings.get(key) ?? null
  }

  set(key: string, value: string | number | boolean): void {
    this.#settings.set(key, String(value))
  }

  unset(key: string): void {
    this.#settings.delete(key)
  }

  contains(key: string): boolean {
    return this.#settings.has(key)
  }

  getAll(): Record<string, string> {
    return Object.fromEntries([...this.#settings].sort(([a], [b]) => (a < b ? -1 : 1)))
  }
}
