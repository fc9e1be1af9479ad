import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { coveredNumbers } from '../delivery/harness.js'
import { startFakeDingTalk } from '../fake-im/dingtalk.js'

/**
 * The end-to-end scene around real `serve` processes: one fake DingTalk robot (signed, keyword "CI") answering after
 * `latencyMs`, and a fresh directory whose rules.yaml sends every event to it. `env` points a server at both;
 * `close()` (in afterAll, after the servers are gone) stops the robot and removes the directory.
 */
export async function robotScene(o: { token: string; secret: string; latencyMs: number; dirPrefix: string }) {
  const fake = await startFakeDingTalk([{ token: o.token, security: { secret: o.secret, keywords: ['CI'] } }])
  fake.setLatency(o.latencyMs)
  const dir = mkdtempSync(join(tmpdir(), o.dirPrefix))
  writeFileSync(
    join(dir, 'rules.yaml'),
    `targets:\n  ops:\n    type: dingtalk\n    webhook: "${fake.webhook(o.token)}"\n    secret: "${o.secret}"\n    keyword: CI\nrules:\n  - name: all\n    notify: [ops]\n`,
  )
  /** The pipeline ids in the messages the group has shown, once per showing (a digest covers several). */
  const shownNumbers = (): number[] => fake.shown().flatMap((r) => coveredNumbers(JSON.stringify(r.message)))
  return {
    fake,
    dir,
    env: { DATA_DIR: join(dir, 'data'), RULES_FILE: join(dir, 'rules.yaml') },
    shownNumbers,
    /** Whether every one of `ids` has been shown at least once. */
    allShown(ids: Iterable<number>): boolean {
      const shown = new Set(shownNumbers())
      return [...ids].every((id) => shown.has(id))
    },
    async close(): Promise<void> {
      await fake.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export type RobotScene = Awaited<ReturnType<typeof robotScene>>

const fixture: PipelineHook = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/gitlab/pipeline-failed-adapted.json'), 'utf8'))

type Fields = Record<string, unknown>
/** GitLab's Pipeline Hook body (test/fixtures/gitlab/pipeline-failed-adapted.json), in the parts tests change. */
export type PipelineHook = Fields & { object_attributes: Fields; user: Fields; commit: Fields & { author: Fields }; builds: Fields[] }

/**
 * Posts the failed-pipeline fixture as pipeline `id` (`iid` in GitLab's numbering) to a server's GitLab webhook, with
 * `headers` on top of the Pipeline Hook ones; `edit` changes a copy of the body first (its jobs, commit, user…).
 * Returns the HTTP status, or 0 when the server died under the request: no 202, so no promise was made.
 */
export async function postPipeline(url: string, p: { id: number; iid: number; headers: Record<string, string>; edit?: (body: PipelineHook) => void }): Promise<number> {
  const body = structuredClone(fixture)
  Object.assign(body.object_attributes, { id: p.id, iid: p.iid, url: `http://example.com/gitlab-org/gitlab-test/-/pipelines/${p.id}` })
  p.edit?.(body)
  try {
    const res = await fetch(`${url}/webhooks/gitlab`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Pipeline Hook', ...p.headers },
      body: JSON.stringify(body),
    })
    await res.text()
    return res.status
  } catch {
    return 0
  }
}

/** Polls `cond` every `everyMs` until it holds or `ms` have passed; returns its last value. */
export async function until(cond: () => boolean, ms: number, everyMs = 50): Promise<boolean> {
  const end = Date.now() + ms
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, everyMs))
  return cond()
}
