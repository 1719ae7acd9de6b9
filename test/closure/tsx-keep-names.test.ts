import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

describe('shipping code compiled by tsx', () => {
  it("compiles functions whose source calls esbuild's __name helper, and still finds free variables", async () => {
    const { stdout } = await promisify(execFile)('node_modules/.bin/tsx', ['test/fixtures/closure/keep-names.ts'], { cwd: root })

    expect(JSON.parse(stdout)).toEqual({
      usesNameHelper: true,
      result: ['Hello!', 'World!', 'capitalise', 'exclaim'],
      refused: ['limit'],
    })
  })
})
