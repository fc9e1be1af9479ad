// `npm run screenshots`: a screenshot of each main console page into docs/console/*.png, from a real server running
// the bundled example rules in dry-run (nothing is sent) with a few example webhooks posted. Needs a Chromium
// (scripts/chromium.mjs) and a build (the npm script builds first).
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { CHROMIUM_ARGS, findChromium } from './chromium.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'docs/console')
const executablePath = findChromium()
if (!executablePath) {
  console.error('screenshots: no Chromium found; install it (apt-get install -y chromium) or set CHROMIUM_PATH')
  process.exit(1)
}

/** The webhooks the pictures show: one per source kind the README mentions. */
const POSTS = [
  ['gitlab', 'test/fixtures/gitlab/pipeline-success-docs.json', { 'x-gitlab-event': 'Pipeline Hook' }],
  ['jenkins', 'test/fixtures/jenkins/finalized-failure-adapted.json', {}],
  ['github', 'test/fixtures/github/workflow_run-completed-failure-adapted.json', { 'x-github-event': 'workflow_run', 'x-github-delivery': 'screenshot-1' }],
  ['gitlab', 'examples/gitlab-pipeline-failed.json', { 'x-gitlab-event': 'Pipeline Hook' }],
  ['gitlab', 'examples/gitlab-deployment-production-failed.json', { 'x-gitlab-event': 'Deployment Hook' }],
]

// In an empty folder (no rules.yaml): the server runs the bundled example rules in dry-run, as after `npm start`.
const dir = mkdtempSync(join(tmpdir(), 'ci-notify-screenshots-'))
const server = spawn(process.execPath, [join(root, 'dist/src/cli.js'), 'serve'], {
  cwd: dir,
  env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_FORMAT: 'json' },
  stdio: ['ignore', 'pipe', 'pipe'],
})
const url = await new Promise((res, rej) => {
  let text = ''
  server.stdout.on('data', (c) => {
    text += c
    const m = /"port":(\d+)[^\n]*"msg":"listening"/.exec(text)
    if (m) res(`http://127.0.0.1:${m[1]}`)
  })
  server.on('exit', (code) => rej(new Error(`server exited (${code}) before listening:\n${text}`)))
})

let browser
try {
  for (const [source, file, headers] of POSTS) {
    const res = await fetch(`${url}/webhooks/${source}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: readFileSync(join(root, file)) })
    if (res.status !== 202) throw new Error(`${file}: ${res.status} ${await res.text()}`)
  }
  const first = (await (await fetch(`${url}/api/events?limit=1`)).json()).events[0].event.id
  await fetch(`${url}/api/silences`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ matchers: { project: 'group/flaky-*', kind: 'build' }, duration: '2h', comment: 'runner pool being replaced', created_by: 'on-call' }),
  })
  // Wait until the worker has settled every delivery (dry run: rendered and logged), so the pages show final states.
  for (;;) {
    const { deliveries } = await (await fetch(`${url}/api/deliveries?status=pending`)).json()
    if (deliveries.length === 0) break
    await new Promise((r) => setTimeout(r, 100))
  }

  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS })
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } })
  mkdirSync(out, { recursive: true })
  const shot = async (name, path, o = {}) => {
    await page.goto(`${url}${path}`)
    if (o.then) await o.then(page)
    await page.screenshot({ path: join(out, `${name}.png`), fullPage: o.full ?? false })
    console.log(`docs/console/${name}.png`)
  }
  await shot('events', '/console/events?lang=en')
  await shot('event', `/console/events/${first}`, { full: true })
  await shot('deliveries', '/console/deliveries?status=dry_run')
  await shot('silences', '/console/silences')
  await shot('targets', '/console/targets')
  await shot('rules', '/console/rules')
  await shot('playground', '/console/playground', {
    full: true,
    then: async (p) => {
      await p.selectOption('select[name=event]', first)
      await p.click('#run')
      await p.locator('#outcome .bubble').first().waitFor()
    },
  })
  await shot('event-zh-CN', `/console/events/${first}?lang=zh-CN`, { full: true })
  // On call, on a phone.
  await page.setViewportSize({ width: 390, height: 844 })
  await shot('events-phone', '/console/events?lang=en')
} finally {
  await browser?.close()
  server.kill('SIGTERM')
  await new Promise((r) => server.once('exit', r))
  rmSync(dir, { recursive: true, force: true })
}
