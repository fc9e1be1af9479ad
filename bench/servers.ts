import { existsSync, mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { startFakeDingTalk } from '../test/fake-im/dingtalk.js'
import { startFakeFeishu } from '../test/fake-im/feishu.js'
import { startFakeSlack } from '../test/fake-im/slack.js'
import { startFakeTeams } from '../test/fake-im/teams.js'
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
async function startServe(o: { env?: Record<string, string>; dataRoot?: string; nodeArgs?: string[]; cli?: string } = {}): Promise<Server & { dataDir: string }> {
  const dir = mkdtempSync(join(o.dataRoot ?? tmpdir(), 'ci-notify-bench-ours-'))
  const dataDir = join(dir, 'data')
  mkdirSync(dataDir)
  const child = await startChild({
    name: 'ours',
    dir,
    args: [...NODE_FLAGS, ...(o.nodeArgs ?? []), o.cli ?? resolve(root, 'dist/src/cli.js'), 'serve'],
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
 * Ours as in production (`cli`: another build of it, to compare): the example rules with every robot they name configured (DingTalk signed and with its
 * keyword, WeCom, Feishu signed, Slack, Teams), each behind its fake API of test/fake-im, which enforces the
 * platform's rate limit, so the worker sends and digests a growing backlog while the webhooks pour in. (A target left
 * without its webhook is a dry run: every delivery rendered and logged on its own, which is not production.)
 */
export async function startOurs(o: { dataRoot?: string; nodeArgs?: string[]; cli?: string } = {}): Promise<Server & { dataDir: string }> {
  const token = 'benchingestrobot'.padEnd(32, '0')
  const secret = 'SECbenchingest'.padEnd(64, '0')
  const key = 'bench-wecom-key'
  const feishuToken = 'bench-feishu-token'
  const feishuSecret = 'bench-feishu-secret'
  const slackSecret = 'benchslacksecret'
  const flow = 'bench0teams0flow'
  const ding = await startFakeDingTalk([{ token, security: { secret, keywords: ['构建'] } }])
  const wecom = await startFakeWeCom([{ key }])
  const feishu = await startFakeFeishu([{ token: feishuToken, security: { secret: feishuSecret } }])
  const slack = await startFakeSlack([{ secret: slackSecret }])
  const teams = await startFakeTeams([{ id: flow, sig: 'benchTeamsSig0123456789abcdefABCD' }])
  const fakes = [ding, wecom, feishu, slack, teams]
  const ours = await startServe({
    dataRoot: o.dataRoot,
    nodeArgs: o.nodeArgs,
    cli: o.cli,
    env: {
      DINGTALK_DEV_WEBHOOK: ding.webhook(token),
      DINGTALK_DEV_SECRET: secret,
      WECOM_OPS_WEBHOOK: wecom.webhook(key),
      FEISHU_RELEASE_WEBHOOK: feishu.webhook(feishuToken),
      FEISHU_RELEASE_SECRET: feishuSecret,
      SLACK_PLATFORM_WEBHOOK: slack.webhook(slackSecret),
      TEAMS_PLATFORM_WEBHOOK: teams.webhook(flow),
    },
  })
  return {
    ...ours,
    notes: () => {
      const rejected = [...ding.records, ...wecom.records].filter((r) => r.errcode !== 0)
      return [
        `robots showed ${fakes.map((f) => f.shown().length).join(' + ')} message(s) (DingTalk, WeCom, Feishu, Slack, Teams)`,
        ...(rejected.length ? [`robots rejected ${rejected.length}: ${rejected[0].errcode} ${rejected[0].errmsg}`] : []),
      ]
    },
    close: async () => {
      await ours.close()
      for (const f of fakes) await f.close()
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
