import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SETTINGS } from '../../src/settings/settings-spec.js'

const readme = readFileSync('README.md', 'utf8')

describe('README', () => {
  it('leads with the two commands', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? ''
    expect(firstBlock).toMatch(/^npm ci && npm start\b/m)
    expect(firstBlock).toMatch(/^npm test\b/m)
  })

  it('is the front door: at most 200 lines, the rest in docs/', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(200)
  })

  it("its test command is the one .ci/run runs", () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? ''
    const test = /^(npm test)\b/m.exec(firstBlock)?.[1]
    expect(readFileSync('.ci/run', 'utf8').split('\n')).toContain(test)
  })

  it('docs/operating.md has one settings-table row per setting, with its env var, flag and default', () => {
    const operating = readFileSync('docs/operating.md', 'utf8')
    for (const s of SETTINGS) {
      const row = operating.split('\n').find((l) => l.startsWith(`| \`${s.env}\``))
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

  it('posts again with an Idempotency-Key that does not repeat, as examples/README.md and docs/ do', () => {
    const pages = readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => readFileSync(`docs/${f}`, 'utf8'))
    const docs = [readme, readFileSync('examples/README.md', 'utf8'), ...pages].join('\n')
    // $RANDOM has 32 768 values: two posts collide within a few hundred tries and the second is a "duplicate".
    expect(docs).not.toMatch(/Idempotency-Key: \$RANDOM/)
    const keys = [...docs.matchAll(/-H "Idempotency-Key: ([^"]+)"/g)].map((m) => m[1])
    expect(keys.length).toBeGreaterThanOrEqual(2)
    for (const k of keys) expect(k).toBe('$(date +%s%N)')
  })

  it('docs/troubleshooting.md has an entry for each errcode people meet, under its platform', () => {
    const doc = readFileSync('docs/troubleshooting.md', 'utf8')
    const section = (heading: string) => {
      const from = doc.indexOf(`\n## ${heading}\n`)
      expect(from, heading).toBeGreaterThanOrEqual(0)
      const to = doc.indexOf('\n## ', from + 1)
      return doc.slice(from, to < 0 ? undefined : to)
    }
    const codes: Record<string, string[]> = {
      DingTalk: ['310000', '130101', '410100'],
      WeCom: ['93000', '40058', '45009'],
      'Feishu / Lark': ['19021', '19024', '19001', '11232', '9499'],
      Slack: ['no_service', 'invalid_token', 'channel_not_found', 'channel_is_archived', 'action_prohibited', 'invalid_payload', 'http_429'],
      'Microsoft Teams': ['http_401', 'http_404', 'http_400', 'http_429'],
    }
    for (const [platform, list] of Object.entries(codes)) {
      for (const code of list) expect(section(platform), `${platform} ${code}`).toContain(`**${code}**`)
    }
  })
})

describe('docs/messages.md message examples', () => {
  it('show exactly what the renderers produce today (regenerate with npm run docs when they change)', async () => {
    const { renderExamples } = await import('../../src/platforms/examples.js')
    const bodies = renderExamples()
      .split(/^--- message \d+ \(\w+\)\n/m)
      .slice(1)
      .map((b) => b.replace(/\n+(## .*\n?)?$/, '').replace(/\n+$/, ''))
    expect(bodies.length).toBeGreaterThanOrEqual(8)
    const messages = readFileSync('docs/messages.md', 'utf8')
    const from = messages.indexOf('<!-- BEGIN generated: message gallery')
    const section = messages.slice(from, messages.indexOf('<!-- END generated: message gallery -->'))
    for (const body of bodies) expect(section, body.slice(0, 80)).toContain('```\n' + body + '\n```')
  })
})
