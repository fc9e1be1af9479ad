import type { Kind, Status } from '../event.js'
import type { Locale } from '../locale.js'
import type { Transition } from '../routing.js'

export type Strings = {
  kind: Record<Kind, string>
  status: Record<Status, string>
  /** "流水线失败" / "Pipeline failed": how kind and status join. */
  headline(kind: string, status: string): string
  /** The transition badge, "💥 构建被破坏": worded for the kind, since a deploy is not a build ("💥 部署被破坏"). */
  transition(tr: Exclude<Transition, 'first'>, kind: Kind): string
  label: {
    project: string
    branch: string
    tag: string
    /** A ref the source does not say is a branch or a tag (a deployment's). */
    ref: string
    number: string
    name: string
    commit: string
    actor: string
    mergeRequest: string
    environment: string
    version: string
    deployment: string
    duration: string
    finishedAt: string
    startedAt: string
    stages: string
    failedJobs: string
    allowFailure: string
    details: string
  }
  /** After a label: `：` / `: `. */
  colon: string
  /** Between the items of a run-in list (people named in the mention line): `、` / `, `. */
  listSep: string
  attempt(n: number): string
  more(n: number): string
  truncated: string
  digestTitle(n: number): string
  /** The catch-up after a mute: how many events it held, how many of their pipelines are still failing. */
  /** `during`: the time interval that held them ("night", or "outside working-hours"); none for a silence. */
  catchUpTitle(events: number, failing: number, during?: string): string
  /** A reminder while a pipeline stays broken: `main 仍然失败，已持续 4 小时`, the span in whole hours and minutes. */
  reminderTitle(ref: string, hours: number, minutes: number): string
  part(i: number, of: number): string
  duration: { h: string; m: string; s: string; sep: string }
}

const zh: Strings = {
  kind: { pipeline: '流水线', build: '构建', deploy: '部署' },
  status: {
    success: '成功',
    failed: '失败',
    unstable: '不稳定',
    canceled: '已取消',
    running: '运行中',
    queued: '排队中',
    skipped: '已跳过',
    manual: '待手动',
  },
  headline: (kind, status) => `${kind}${status}`,
  transition: (tr, kind) =>
    ({
      fixed: kind === 'deploy' ? '🎉 部署已修复' : '🎉 已修复',
      broken: kind === 'deploy' ? '💥 部署被破坏' : '💥 构建被破坏',
      still_failing: '🔁 仍然失败',
    })[tr],
  label: {
    project: '项目',
    branch: '分支',
    tag: '标签',
    ref: '引用',
    number: '编号',
    name: '名称',
    commit: '提交',
    actor: '触发人',
    mergeRequest: '合并请求',
    environment: '环境',
    version: '版本',
    deployment: '部署地址',
    duration: '耗时',
    finishedAt: '完成时间',
    startedAt: '开始时间',
    stages: '阶段',
    failedJobs: '失败的作业',
    allowFailure: '允许失败',
    details: '查看详情',
  },
  colon: '：',
  listSep: '、',
  attempt: (n) => `第 ${n} 次尝试`,
  more: (n) => `…另有 ${n} 项`,
  truncated: '…(已截断)',
  digestTitle: (n) => `${n} 条构建通知`,
  catchUpTitle: (n, failing, during) =>
    `${during === undefined ? '静默期间' : during.startsWith('outside ') ? `「${during.slice(8)}」时段外` : `「${during}」时段内`}：${n} 条通知，${failing ? `${failing} 个仍然失败` : '没有仍在失败的'}`,
  reminderTitle: (ref, h, m) => `${ref} 仍然失败，已持续 ${[h ? `${h} 小时` : '', m || !h ? `${m} 分钟` : ''].filter(Boolean).join(' ')}`,
  part: (i, of) => `（${i}/${of}）`,
  duration: { h: '小时', m: '分', s: '秒', sep: '' },
}

const en: Strings = {
  kind: { pipeline: 'Pipeline', build: 'Build', deploy: 'Deploy' },
  status: {
    success: 'succeeded',
    failed: 'failed',
    unstable: 'unstable',
    canceled: 'canceled',
    running: 'running',
    queued: 'queued',
    skipped: 'skipped',
    manual: 'waiting for manual action',
  },
  headline: (kind, status) => `${kind} ${status}`,
  transition: (tr, kind) =>
    ({
      fixed: kind === 'deploy' ? '🎉 Deploy fixed' : '🎉 Fixed',
      broken: kind === 'deploy' ? '💥 Deploy broken' : '💥 Broken',
      still_failing: '🔁 Still failing',
    })[tr],
  label: {
    project: 'Project',
    branch: 'Branch',
    tag: 'Tag',
    ref: 'Ref',
    number: 'Number',
    name: 'Name',
    commit: 'Commit',
    actor: 'Triggered by',
    mergeRequest: 'Merge request',
    environment: 'Environment',
    version: 'Version',
    deployment: 'Deployment',
    duration: 'Duration',
    finishedAt: 'Finished',
    startedAt: 'Started',
    stages: 'Stages',
    failedJobs: 'Failed jobs',
    allowFailure: 'allowed to fail',
    details: 'View details',
  },
  colon: ': ',
  listSep: ', ',
  attempt: (n) => `attempt ${n}`,
  more: (n) => `…and ${n} more`,
  truncated: '…(truncated)',
  digestTitle: (n) => `${n} build notification${n === 1 ? '' : 's'}`,
  catchUpTitle: (n, failing, during) =>
    `${during === undefined ? 'While muted' : during.startsWith('outside ') ? `Outside ${during.slice(8)}` : `During ${during}`}: ${n} event${n === 1 ? '' : 's'}, ${failing ? `${failing} still failing` : 'none still failing'}`,
  reminderTitle: (ref, h, m) => `${ref} still failing, for ${[h ? `${h} hour${h === 1 ? '' : 's'}` : '', m || !h ? `${m} minute${m === 1 ? '' : 's'}` : ''].filter(Boolean).join(' ')}`,
  part: (i, of) => ` (${i}/${of})`,
  duration: { h: 'h', m: 'm', s: 's', sep: ' ' },
}

export const strings: Record<Locale, Strings> = { 'zh-CN': zh, en }

export const MARKS: Record<Status, string> = {
  success: '✅',
  failed: '❌',
  unstable: '⚠️',
  canceled: '⏹',
  running: '🔄',
  queued: '⏳',
  skipped: '⏭',
  manual: '✋',
}
