import type { CommonEvent, Job, Status } from '../event.js'
import { safeUrl } from './escape.js'
import { formatDuration, formatTime } from './format.js'
import { MARKS, strings, type Strings } from './i18n.js'
import type { RenderInput } from './types.js'

/**
 * The one platform-neutral message model. Built once per event from RenderInput; the DingTalk and WeCom renderers
 * only choose syntax (src/render/syntax.ts) and limits. Text marked `user` comes from the CI payload and is
 * neutralised and clipped at layout time; everything else is ours.
 */
export type Tone = 'good' | 'bad' | 'warn' | 'info' | 'muted'

export type Seg = {
  text: string
  /** From the payload: neutralised, clipped to the shape's cap. */
  user?: boolean
  /** The commit title: clipped harder and earlier than other user text. */
  commit?: boolean
  /** The link as the payload gives it; made safe (or dropped) at layout time, only for what is shown. */
  url?: string
  /** Plain-text messages write this link's URL out (jobs, MR, deployment); other links show the label only. */
  showUrl?: boolean
}

/** A labelled value. `keep`: when shortening, facts with lower `keep` are dropped first. */
export type Fact = { kind: 'fact'; id: string; label: string; value: Seg[]; keep: number }
/** A list (stages, failed jobs): the first thing shortened, item by item. */
export type List = {
  kind: 'list'
  id: 'stages' | 'jobs' | 'events'
  heading: string
  items: Seg[][]
  /** Items the event itself left out (CommonEvent.omitted): counted in "…and N more" with those cut here. */
  omitted?: number
}
/** Pre-rendered text (a rule template's body), shortened by bytes. */
export type Raw = { kind: 'raw'; id: 'body'; text: string }
export type Block = Fact | List | Raw

export type Content = {
  tone: Tone
  /** Status mark, kind and status, transition badge: "❌ 流水线失败 · 💥 构建被破坏". Never shortened. */
  headline: string
  /** Which run: project path and number, for the notification title. */
  subject: Seg[]
  blocks: Block[]
  link?: { label: string; url: string }
  t: Strings
}

export const TONES: Record<Status, Tone> = {
  success: 'good',
  failed: 'bad',
  unstable: 'warn',
  manual: 'warn',
  canceled: 'muted',
  skipped: 'muted',
  running: 'info',
  queued: 'info',
}

export function headline(input: RenderInput, t: Strings): string {
  const { event, transition } = input
  const badge = transition && transition !== 'first' ? ` · ${t.transition(transition, event.kind)}` : ''
  return `${MARKS[event.status]} ${t.headline(t.kind[event.kind], t.status[event.status])}${badge}`
}

export const subject = (e: CommonEvent): Seg[] => [
  { text: e.project.path, user: true },
  ...(e.number !== undefined ? [{ text: ` #${e.number}` }] : []),
]

export const detailsUrl = (e: CommonEvent): string | undefined => safeUrl(e.url) ?? safeUrl(e.project.url)

/**
 * Who triggered the run, as every message names them: the directory's name for a person `people` knows by a trusted
 * means (RenderInput.actorName), else the CI's display name, else the username (GitHub sends only the login).
 */
export const actorOf = (input: RenderInput): string | undefined => input.actorName ?? input.event.actor?.name ?? input.event.actor?.username

/** A commit title is one line, even when a source sends the whole message as the title. */
function firstLine(s: string | undefined): string | undefined {
  if (s === undefined) return undefined
  const nl = s.search(/[\r\n]/)
  return nl < 0 ? s : s.slice(0, nl)
}

const fact = (id: string, label: string, keep: number, value: Seg[] | undefined): Fact[] =>
  value ? [{ kind: 'fact', id, label, keep, value }] : []

const text = (s: string | undefined, extra: Partial<Seg> = {}): Seg[] | undefined =>
  s ? [{ text: s, user: true, ...extra }] : undefined

function facts(e: CommonEvent, input: RenderInput, t: Strings): Fact[] {
  const L = t.label
  const who = actorOf(input)
  const commitTitle = firstLine(e.commit?.title ?? e.commit?.message)
  const commit: Seg[] = [
    ...(e.sha ? [{ text: e.sha.slice(0, 8), user: true, url: e.commit?.url }] : []),
    ...(commitTitle ? [{ text: e.sha ? ' ' : '' }, { text: commitTitle, user: true, commit: true }] : []),
  ]
  const mr = e.merge_request
  const mrText = mr && [mr.reference ?? (mr.number !== undefined ? `#${mr.number}` : ''), mr.title ?? ''].filter(Boolean).join(' ')
  const dep = e.deployment
  const env = dep?.environment ?? e.environment
  const depUrl = safeUrl(dep?.url)
  const number = e.number !== undefined ? `#${e.number}${e.attempt && e.attempt > 1 ? ` (${t.attempt(e.attempt)})` : ''}` : undefined
  const finished = formatTime(e.finished_at, input.timezone)
  const started = formatTime(e.started_at, input.timezone)
  return [
    ...fact('project', L.project, 100, [{ text: e.project.path, user: true, url: e.project.url }]),
    // the label says what the event knows: a tag, a branch, or a ref the source did not qualify (deployments)
    ...(e.tag ? fact('tag', L.tag, 90, text(e.tag)) : e.branch ? fact('branch', L.branch, 90, text(e.branch)) : fact('ref', L.ref, 90, text(e.ref))),
    ...fact('number', L.number, 80, number ? [{ text: number }] : undefined),
    // a name that only repeats the project (Jenkins) or the environment (deploys) says nothing new
    ...fact('name', L.name, 20, e.name && ![e.project.path, e.project.name, env].includes(e.name) ? text(e.name) : undefined),
    ...fact('commit', L.commit, 50, commit.length ? commit : undefined),
    ...fact('actor', L.actor, 40, text(who)),
    ...fact('mr', L.mergeRequest, 30, mrText ? text(mrText, { url: mr?.url, showUrl: true }) : undefined),
    ...fact('environment', L.environment, 70, e.kind === 'deploy' ? text(env) : undefined),
    ...fact('version', L.version, 60, e.kind === 'deploy' ? text(dep?.version) : undefined),
    ...fact('deployment', L.deployment, 65, depUrl ? [{ text: depUrl, user: true, url: depUrl }] : undefined),
    ...fact('duration', L.duration, 45, e.duration_s !== undefined ? [{ text: formatDuration(e.duration_s, t) }] : undefined),
    ...(finished
      ? fact('finished', L.finishedAt, 35, [{ text: finished }])
      : fact('started', L.startedAt, 35, started ? [{ text: started }] : undefined)),
  ]
}

function lists(e: CommonEvent, t: Strings): List[] {
  const stages = e.stages ?? []
  const jobItem = (j: Job, stage: string): Seg[] => [
    { text: `${MARKS[j.status]} ` },
    { text: j.name, user: true, url: j.url, showUrl: true },
    ...(stage ? [{ text: ' · ' }, { text: stage, user: true }] : []),
    ...(j.failure_reason ? [{ text: ' · ' }, { text: j.failure_reason, user: true }] : []),
    ...(j.allow_failure ? [{ text: ` (${t.label.allowFailure})` }] : []),
  ]
  const failed = stages.flatMap((s) => s.jobs.filter((j) => j.status === 'failed').map((j) => jobItem(j, s.name)))
  const out: List[] = []
  if (stages.length) {
    out.push({
      kind: 'list',
      id: 'stages',
      heading: t.label.stages,
      omitted: e.omitted?.stages,
      items: stages.map((s) => [
        { text: `${MARKS[s.status]} ` },
        { text: s.name, user: true },
        ...(s.duration_s !== undefined ? [{ text: ` · ${formatDuration(s.duration_s, t)}` }] : []),
      ]),
    })
  }
  if (failed.length) out.push({ kind: 'list', id: 'jobs', heading: t.label.failedJobs, items: failed, omitted: e.omitted?.failed_jobs })
  return out
}

/** The built-in message for one event. */
export function buildContent(input: RenderInput): Content {
  const t = strings[input.locale]
  const e = input.event
  const url = detailsUrl(e)
  return {
    tone: TONES[e.status],
    headline: headline(input, t),
    subject: subject(e),
    blocks: [...facts(e, input, t), ...lists(e, t)],
    link: url ? { label: t.label.details, url } : undefined,
    t,
  }
}
