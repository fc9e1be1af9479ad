import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { createApp } from '../../src/http/server.js'
import { defaultSettings } from '../../src/settings/settings.js'
import { openStore } from '../../src/store/open.js'
import { testDeps } from '../helpers/deps.js'
import { githubReq, gitlabReq, jenkinsReq } from './requests.js'

const dir = mkdtempSync(join(tmpdir(), 'ci-notify-restart-'))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** One server life: an app on the SQLite file in `dir`, closed afterwards. */
async function life<T>(fn: (app: ReturnType<typeof createApp>) => Promise<T>): Promise<T> {
  const deps = await testDeps({ settings: { secrets: {} } })
  await deps.store.close()
  deps.store = await openStore(defaultSettings({ dataDir: dir }))
  try {
    return await fn(createApp(deps))
  } finally {
    await deps.store.close()
  }
}

it('answers a redelivery after a restart as a duplicate of the event stored before it', async () => {
  const reqs = [gitlabReq({ token: null }), jenkinsReq({ token: null }), githubReq({ signature: null })]
  const first = await life((app) => Promise.all(reqs.map(async (r) => (await app.request(r.path, r.init)).json())))
  expect(first.every((b) => typeof b.event_id === 'string')).toBe(true)
  const second = await life((app) =>
    Promise.all(reqs.map(async (r) => {
      const res = await app.request(r.path, r.init)
      return { status: res.status, body: await res.json() }
    })),
  )
  expect(second).toEqual(first.map((b) => ({ status: 200, body: { duplicate: true, event_id: b.event_id } })))
})
