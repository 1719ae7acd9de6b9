import type { SessionState } from './session-state.js'

/** A table or view, as `spark.catalog.listTables()` describes it (Spark's `catalog.Table`). */
export interface Table {
  readonly name: string
  /** `spark_catalog` for tables; null for temporary views. */
  readonly catalog: string | null
  readonly namespace: readonly string[]
  readonly description: string | null
  readonly tableType: 'TEMPORARY' | 'MANAGED' | 'VIEW'
  readonly isTemporary: boolean
}

/**
 * `spark.catalog`: the session's tables and temporary views.
 *
 * @example
 * df.createOrReplaceTempView('words')
 * (await spark.catalog.listTables()).map((table) => table.name) // ['words']
 */
export class Catalog {
  readonly #state: SessionState

  constructor(state: SessionState) {
    this.#state = state
  }

  /** Tables first, then temporary views, each sorted by name. */
  async listTables(): Promise<Table[]> {
    const tables = await this.#state.tables()
    return tables
      .sort((a, b) => Number(a.isTemporary) - Number(b.isTemporary) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((table) => ({
        name: table.name,
        catalog: table.isTemporary ? null : 'spark_catalog',
        namespace: table.isTemporary ? [] : [table.namespace],
        description: null,
        tableType: table.tableType,
        isTemporary: table.isTemporary,
      }))
  }

  async tableExists(name: string): Promise<boolean> {
    const lower = name.toLowerCase()
    return (await this.#state.tables()).some((table) => table.name.toLowerCase() === lower)
  }

  /** Drops temporary view `name`; true if it existed. */
  dropTempView(name: string): boolean {
    return this.#state.dropView(name)
  }

  currentDatabase(): string {
    return 'default'
  }
}
