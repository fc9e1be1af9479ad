import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SETTINGS } from '../../src/settings-spec.js'

const readme = readFileSync('README.md', 'utf8')

describe('README', () => {
  it('leads with the two commands', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? ''
    expect(firstBlock).toMatch(/^npm ci && npm start\b/m)
    expect(firstBlock).toMatch(/^npm test\b/m)
  })

  it('has one settings-table row per setting, with its env var, flag and default', () => {
    for (const s of SETTINGS) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${s.env}\``))
      expect(row, `${s.env} row`).toBeDefined()
      expect(row).toContain(`\`--${s.flag}\``)
      if (s.default !== undefined) expect(row).toContain(`\`${s.default}\``)
      if (s.secret) expect(row).toContain(`\`${s.env}_FILE\``)
    }
  })

  it("the quick start's curl posts a payload that exists", () => {
    const files = [...readme.matchAll(/--data @(\S+)/g)].map((m) => m[1])
    expect(files.length).toBeGreaterThan(0)
    for (const f of files) expect(existsSync(f), f).toBe(true)
  })

  it('has a troubleshooting entry for each errcode people meet', () => {
    const section = readme.slice(readme.indexOf('## Troubleshooting'))
    for (const code of ['310000', '130101', '410100', '93000', '40058']) expect(section).toContain(`**${code}**`)
  })
})
