import { existsSync, mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { startFakeDingTalk } from '../test/fake-im/dingtalk.js'
import { startFakeWeCom } from '../test/fake-im/wecom.js'
import { removeDir, startChild, type Child } from './child.js'
import { NODE_FLAGS } from './node-flags.js'
import { SECRETS } from './payloads.js'
import { benchRulesFile } from './rules-file.js'

const root = process.cwd()

/** A server under test; `notes` says what went wrong around it without failing the run (e.g. the robot rejected sends). */
export type Server = Child & { close(): Promise<void>; notes?: () => string[] }

/**
 * The real built server with the store on disk in a fresh DATA_DIR, the example rules (which route the
 * failed-pipeline fixtures to their targets) plus a Buildkite source defined in the file, every webhook secret set,
 * as `env` adds to it.
 */
async function startServe(o: { env?: Record<string, string>; dataRoot?: string } = {}): Promise<Server & { dataDir: string }> {
  const dir = mkdtempSync(join(o.dataRoot ?? tmpdir(), 'ci-notify-bench-ours-'))
  const dataDir = join(dir, 'data')
  mkdirSync(dataDir)
  const child = await startChild({
    name: 'ours',
    dir,
    args: [...NODE_FLAGS, resolve(root, 'dist/src/cli.js'), 'serve'],
    env: {
      DATA_DIR: dataDir,
      RULES_FILE: benchRulesFile(dir),
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      GITLAB_WEBHOOK_TOKEN: SECRETS.gitlab,
      GITHUB_WEBHOOK_SECRET: SECRETS.github,
      JENKINS_WEBHOOK_TOKEN: SECRETS.jenkins,
      BUILDKITE_WEBHOOK_TOKEN: SECRETS.buildkite,
      ...o.env,
    },
  })
  return {
    ...child,
    dataDir,
    close: async () => {
      await child.stop()
      removeDir(dir)
    },
  }
}

/**
 * Ours as in production: the example rules with both robots configured, the DingTalk one signed and with its
 * keyword, each behind a fake robot API that enforces 20 messages a minute (test/fake-im), so the worker sends and
 * digests a growing backlog while the webhooks pour in.
 */
export async function startOurs(o: { dataRoot?: string } = {}): Promise<Server & { dataDir: string }> {
  const token = 'benchingestrobot'.padEnd(32, '0')
  const secret = 'SECbenchingest'.padEnd(64, '0')
  const key = 'bench-wecom-key'
  const ding = await startFakeDingTalk([{ token, security: { secret, keywords: ['构建'] } }])
  const wecom = await startFakeWeCom([{ key }])
  const ours = await startServe({
    dataRoot: o.dataRoot,
    env: { DINGTALK_DEV_WEBHOOK: ding.webhook(token), DINGTALK_DEV_SECRET: secret, WECOM_OPS_WEBHOOK: wecom.webhook(key) },
  })
  return {
    ...ours,
    notes: () => {
      const rejected = [...ding.records, ...wecom.records].filter((r) => r.errcode !== 0)
      return [
        `robots showed ${ding.shown().length} + ${wecom.shown().length} message(s)`,
        ...(rejected.length ? [`robots rejected ${rejected.length}: ${rejected[0].errcode} ${rejected[0].errmsg}`] : []),
      ]
    },
    close: async () => {
      await ours.close()
      await ding.close()
      await wecom.close()
    },
  }
}

/**
 * Ours with no robot configured, as `npm start` runs the example: DRY_RUN, every delivery rendered on its own and
 * logged in full at once, never digested (the worst case for the worker, and not a production setup).
 */
export function startOursDryRun(): Promise<Server & { dataDir: string }> {
  return startServe({ env: { DRY_RUN: '1' } })
}

/** The baseline: bench/bare-server.ts, a bare Hono app on @hono/node-server. */
export async function startBare(): Promise<Server> {
  const child = await startChild({ name: 'bare', args: [resolve(root, 'dist/bench/bare-server.js')] })
  return { ...child, close: async () => (await child.stop(), removeDir(child.dir)) }
}

/**
 * The durable baseline: bench/bare-durable-server.ts, the bare app plus the body committed to SQLite and fsynced before
 * the 202, its database in a fresh folder on the same disk as ours' DATA_DIR.
 */
export async function startBareDurable(): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'ci-notify-bench-durable-'))
  const child = await startChild({ name: 'durable', dir, args: [resolve(root, 'dist/bench/bare-durable-server.js')], env: { DATA_DIR: dir } })
  return { ...child, close: async () => (await child.stop(), removeDir(dir)) }
}

/** Ours (production, as startOurs) with DATA_DIR on tmpfs (/dev/shm): the same work without the cost of fsync. */
export async function startOursTmpfs(): Promise<Server> {
  if (!existsSync('/dev/shm')) throw new Error('no /dev/shm on this machine')
  return startOurs({ dataRoot: '/dev/shm' })
}
