import { SparkConf } from '../common/spark-conf.js'
import { SparkContext } from '../spark-context.js'
import type { SparkSession } from './spark-session.js'

/**
 * `SparkSession.builder()`: settings for the session, then `getOrCreate()`.
 * When a SparkContext is running, the session is that context's one
 * session and the settings are applied to its `spark.conf` (master and
 * app name cannot change a running context, as in Spark); otherwise a
 * SparkContext is created from the settings.
 *
 * @example
 * const spark = SparkSession.builder().appName('words').master('local[2]').getOrCreate()
 */
export class SparkSessionBuilder {
  readonly #settings = new Map<string, string>()
  readonly #create: (sc: SparkContext, settings: ReadonlyMap<string, string>) => SparkSession

  constructor(create: (sc: SparkContext, settings: ReadonlyMap<string, string>) => SparkSession) {
    this.#create = create
  }

  appName(name: string): this {
    return this.config('spark.app.name', name)
  }

  master(master: string): this {
    return this.config('spark.master', master)
  }

  /** One setting, or every setting of a SparkConf (such as `rdd.context.getConf()`). */
  config(key: string, value: string | number | boolean): this
  config(conf: SparkConf): this
  config(keyOrConf: string | SparkConf, value?: string | number | boolean): this {
    if (keyOrConf instanceof SparkConf) {
      for (const [key, setting] of keyOrConf.getAll()) this.#settings.set(key, setting)
    } else {
      if (value === undefined) throw new TypeError(`config(${JSON.stringify(keyOrConf)}, value) needs a value`)
      this.#settings.set(keyOrConf, String(value))
    }
    return this
  }

  /** Accepted for compatibility; there is no Hive metastore here. */
  enableHiveSupport(): this {
    return this
  }

  getOrCreate(): SparkSession {
    const sc = SparkContext.getActive() ?? new SparkContext(new SparkConf().setAll(this.#settings))
    return this.#create(sc, this.#settings)
  }
}
