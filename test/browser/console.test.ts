import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROMIUM_ARGS, findChromium } from '../../scripts/chromium.mjs'
import { startFakeDingTalk, type DingRobot, type FakeDingTalk } from '../fake-im/dingtalk.js'
import { startServer, type Running } from '../helpers/server-process.js'
import { fixture } from '../http/requests.js'
import { pipelineOf, XSS, xssPipeline } from '../console/payloads.js'

/**
 * The console in a real browser (playwright-core driving the machine's Chromium) against a real `serve` process and
 * the fake DingTalk robot of test/fake-im/. The robot starts disabled, so deliveries go dead until the retry test
 * turns it back on. Every wait is for a condition (an element, the robot's record), never for a time.
 */
const ADMIN = 'console-admin-7d1f2a90'
const TOKEN = 'ding-console-token'
const SECRET = 'SECconsolebrowser'

let fake: FakeDingTalk
let robot: DingRobot
let server: Running
let browser: Browser
let page: Page
let dir: string
let key = 0

/** Posts a GitLab pipeline hook as a new delivery (its own Idempotency-Key); resolves with the event id. */
async function post(body: string): Promise<string> {
  const res = await fetch(`${server.url}/webhooks/gitlab`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Pipeline Hook', 'idempotency-key': `browser-${++key}-${process.pid}` },
    body,
  })
  expect(res.status).toBe(202)
  return ((await res.json()) as { event_id: string }).event_id
}

/** The admin API, to read the state the console should show (not to drive the console). */
async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } })
  expect(res.status).toBe(200)
  return (await res.json()) as T
}

/** Polls an async condition until it holds (the worker and the robot work on their own time). */
async function until(what: string, cond: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`still not: ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

type DeliveryRow = { id: number; event_id: string; status: string }
const deliveriesOf = async (eventId: string) => (await api<{ deliveries: DeliveryRow[] }>(`/api/events/${eventId}`)).deliveries

describe('the console in a browser', () => {
  beforeAll(async () => {
    const executablePath = findChromium()
    if (!executablePath) throw new Error('no Chromium: install it (apt-get install -y chromium) or set CHROMIUM_PATH')
    robot = { token: TOKEN, state: 'disabled', security: { secret: SECRET, keywords: ['CI'] } }
    fake = await startFakeDingTalk([robot])
    dir = mkdtempSync(join(tmpdir(), 'ci-notify-console-'))
    writeFileSync(
      join(dir, 'rules.yaml'),
      `defaults:\n  locale: en\ntargets:\n  ops:\n    type: dingtalk\n    webhook: "${fake.webhook(TOKEN)}"\n    secret: "${SECRET}"\n    keyword: CI\n` +
        `rules:\n  - name: failures\n    match: { status: failed }\n    notify: [ops]\n    mention: [author]\n  - name: the rest\n    notify: [ops]\n`,
    )
    server = await startServer({ env: { DATA_DIR: join(dir, 'data'), RULES_FILE: join(dir, 'rules.yaml'), ADMIN_TOKEN: ADMIN } })
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS })
    page = await browser.newPage()
    page.on('dialog', (d) => {
      throw new Error(`a dialog opened: ${d.message()}`)
    })
  })

  afterAll(async () => {
    await browser?.close()
    server?.proc.kill('SIGTERM')
    await server?.exited
    await fake?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('logs in with the admin token into an HttpOnly, SameSite=Strict session', async () => {
    await page.goto(`${server.url}/console/events`)
    await page.waitForURL('**/console/login')
    await page.fill('input[name=token]', 'not-the-token')
    await page.click('button[type=submit]')
    await page.getByRole('alert').filter({ hasText: 'not the admin token' }).waitFor()
    await page.fill('input[name=token]', ADMIN)
    await page.click('button[type=submit]')
    await page.waitForURL('**/console/events')
    await page.locator('#status').getByText('SQLite').waitFor()
    const [cookie] = (await page.context().cookies()).filter((c) => c.name === 'cin_session')
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' })
    expect(await page.locator('#open-warning').count()).toBe(0)
  })

  it('shows a webhook posted while the list is open, without a reload', async () => {
    await page.goto(`${server.url}/console/events`)
    const id = await post(pipelineOf('acme/live-list'))
    const row = page.locator(`tr[data-event="${id}"]`)
    await row.waitFor()
    await expect(row.innerText()).resolves.toContain('acme/live-list')
    await expect(row.innerText()).resolves.toContain('failed')
  })

  it('explains the routing rule by rule, shows the webhook headers and the message as a chat bubble', async () => {
    const id = await post(pipelineOf('acme/detail'))
    await page.goto(`${server.url}/console/events`)
    await page.locator(`tr[data-event="${id}"] a`).first().click()
    await page.waitForURL(`**/console/events/${id}`)
    await expect(page.locator('#routing tr[data-rule="failures"]').innerText()).resolves.toContain('matched')
    await expect(page.locator('#routing tr[data-rule="the rest"]').innerText()).resolves.toMatch(/not reached: "failures"/)
    const bubble = page.locator('#preview [data-target="ops"] .bubble').first()
    await bubble.waitFor()
    await expect(bubble.innerText()).resolves.toContain('acme/detail')
    await expect(page.locator('#mentions').innerText()).resolves.toContain('ops')
    // The webhook's headers that say what it was, as received.
    await expect(page.locator('#request-headers').innerText()).resolves.toMatch(/x-gitlab-event\s+Pipeline Hook/)
  })

  it('retries a dead delivery after confirming, and the fake robot shows it', async () => {
    const id = await post(pipelineOf('acme/retry'))
    await until('the delivery is dead (the robot is disabled)', async () => (await deliveriesOf(id))[0]?.status === 'dead')
    const [d] = await deliveriesOf(id)
    robot.state = 'active'
    const shownBefore = fake.shown(TOKEN).length
    await page.goto(`${server.url}/console/deliveries?status=dead`)
    await page.locator(`tr[data-delivery="${d.id}"] a`, { hasText: 'Retry' }).click()
    await expect(page.locator('#confirm-question').innerText()).resolves.toContain(String(d.id))
    expect(fake.shown(TOKEN).length).toBe(shownBefore) // nothing before the confirm
    await page.click('#confirm')
    await page.getByRole('status').filter({ hasText: `Delivery ${d.id}` }).waitFor()
    await until('the robot shows the retried message', () => fake.shown(TOKEN).some((r) => JSON.stringify(r.message).includes('acme/retry')))
    await until('the delivery is sent', async () => (await deliveriesOf(id))[0]?.status === 'sent')
  })

  it('creates a silence from an event, and the next matching event is muted', async () => {
    robot.state = 'active'
    const first = await post(pipelineOf('acme/noisy'))
    await page.goto(`${server.url}/console/events/${first}`)
    await page.click('#mute-like')
    await page.waitForURL('**/console/silences/new?event=*')
    await expect(page.locator('textarea[name=matchers]').inputValue()).resolves.toContain('project: acme/noisy')
    await page.fill('input[name=created_by]', 'on-call')
    await page.locator('#silence-form button[type=submit]').click()
    await page.getByRole('status').filter({ hasText: 'created' }).waitFor()
    await page.locator('#silences tr[data-silence]', { hasText: 'acme/noisy' }).waitFor()

    const next = await post(pipelineOf('acme/noisy'))
    const other = await post(pipelineOf('acme/other'))
    await until('the other project is sent', async () => (await deliveriesOf(other))[0]?.status === 'sent')
    await until('the matching event is silenced', async () => (await deliveriesOf(next))[0]?.status === 'silenced')
    await page.goto(`${server.url}/console/events?project=acme/noisy`)
    await expect(page.locator(`tr[data-event="${next}"]`).innerText()).resolves.toContain('silenced')
  })

  it('renders the playground without sending or storing anything', async () => {
    const events = (await api<{ events: unknown[] }>('/api/events?limit=100')).events.length
    const calls = fake.records.length
    await page.goto(`${server.url}/console/playground`)
    await page.fill('textarea[name=payload]', fixture('gitlab', 'pipeline-success-docs.json'))
    await page.fill('textarea[name=rules]', 'targets:\n  team:\n    type: wecom\n    webhook: ""\nrules:\n  - name: all\n    notify: [team]\n')
    await page.click('#run')
    await page.locator('#outcome [data-target="team"] .bubble').first().waitFor()
    await expect(page.locator('#outcome tr[data-rule="all"]').innerText()).resolves.toContain('matched')
    expect((await api<{ events: unknown[] }>('/api/events?limit=100')).events.length).toBe(events)
    expect(fake.records.length).toBe(calls)
  })

  it('keeps markup in a branch name and commit message as text', async () => {
    const id = await post(xssPipeline())
    for (const path of ['/console/events', `/console/events/${id}`]) {
      await page.goto(`${server.url}${path}`)
      await page.getByText(XSS.branch).first().waitFor()
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined()
      expect(await page.locator('main script, main img, main svg').count()).toBe(0)
    }
    await expect(page.locator('#preview').innerText()).resolves.toContain('onerror')
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0)
  })
})
