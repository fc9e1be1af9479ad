import { existsSync, mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { startFakeDingTalk } from '../test/fake-im/dingtalk.js'
import { removeDir, startChild, type Child } from './child.js'
import { NODE_FLAGS } from './node-flags.js'
import { SECRETS } from './payloads.js'

const root = process.cwd()

/** A server under test; `notes` says what went wrong around it without failing the run (e.g. the robot rejected sends). */
export type Server = Child & { close(): Promise<void>; notes?: () => string[] }

/**
 * The real built server, as an operator starts it: `ci-notify serve`, the store on disk in a fresh DATA_DIR, the
 * example rules (which route the failed-pipeline fixtures to a DingTalk target), all three webhook secrets set.
 * The example targets have no webhook, and DRY_RUN=1 besides: the worker renders and logs, nothing leaves the host.
 */
export async function startOurs(o: { env?: Record<string, string>; dataRoot?: string } = {}): Promise<Server & { dataDir: string }> {
  const dir = mkdtempSync(join(o.dataRoot ?? tmpdir(), 'ci-notify-bench-ours-'))
  const dataDir = join(dir, 'data')
  mkdirSync(dataDir)
  const child = await startChild({
    name: 'ours',
    dir,
    args: [...NODE_FLAGS, resolve(root, 'dist/src/cli.js'), 'serve'],
    env: {
      DATA_DIR: dataDir,
      RULES_FILE: resolve(root, 'rules.example.yaml'),
      DRY_RUN: '1',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      GITLAB_WEBHOOK_TOKEN: SECRETS.gitlab,
      GITHUB_WEBHOOK_SECRET: SECRETS.github,
      JENKINS_WEBHOOK_TOKEN: SECRETS.jenkins,
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

/** The baseline: bench/bare-server.ts, a bare Hono app on @hono/node-server. */
export async function startBare(): Promise<Server> {
  const child = await startChild({ name: 'bare', args: [resolve(root, 'dist/bench/bare-server.js')] })
  return { ...child, close: async () => (await child.stop(), removeDir(child.dir)) }
}

/** Ours with DATA_DIR on tmpfs (/dev/shm): the same work without the cost of fsync, to tell CPU from disk. */
export async function startOursTmpfs(): Promise<Server> {
  if (!existsSync('/dev/shm')) throw new Error('no /dev/shm on this machine')
  return startOurs({ dataRoot: '/dev/shm' })
}

/**
 * Ours as in production: the example rules' DingTalk target posting (signed, with its keyword) to a fake robot that
 * enforces 20 messages a minute, so the worker works a growing backlog with digests while webhooks pour in.
 */
export async function startOursRobot(): Promise<Server> {
  const token = 'benchingestrobot'.padEnd(32, '0')
  const secret = 'SECbenchingest'.padEnd(64, '0')
  const ding = await startFakeDingTalk([{ token, security: { secret, keywords: ['构建'] } }])
  const ours = await startOurs({ env: { DRY_RUN: '0', DINGTALK_DEV_WEBHOOK: ding.webhook(token), DINGTALK_DEV_SECRET: secret } })
  return {
    ...ours,
    notes: () => {
      const shown = ding.shown().length
      const rejected = ding.records.filter((r) => r.errcode !== 0)
      return [`robot showed ${shown} message(s)`, ...(rejected.length ? [`robot rejected ${rejected.length}: ${rejected[0].errcode} ${rejected[0].errmsg}`] : [])]
    },
    close: async () => {
      await ours.close()
      await ding.close()
    },
  }
}
