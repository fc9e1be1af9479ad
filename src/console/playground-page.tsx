import { payloadRequest } from '../../adapters/from-file.js'
import { isSource, SOURCES, toEvent, type Source } from '../../adapters/index.js'
import { isIgnored } from '../../adapters/common/types.js'
import type { CompiledRules } from '../../rules/compile.js'
import { explain, type Verdict } from '../../rules/explain.js'
import { parseRules } from '../../rules/load.js'
import type { AppDeps } from '../app/deps.js'
import { previewTargets, type TargetPreview } from '../app/preview.js'
import { ConfigError, PayloadError } from '../errors.js'
import { Status, type CommonEvent } from '../event.js'
import type { PipelineState } from '../routing.js'
import type { ConsoleApp } from './view.js'
import { Csrf, Layout } from './layout.js'
import { when, type View } from './view.js'
import { VerdictTable } from './events-page.js'
import { Previews } from './widgets.js'

const RECENT = 30
const PREVIOUS = ['', 'failed', 'success', 'unstable'] as const

type Form = { source: Source; payload: string; headers: string; event: string; rules: string; previous: string }
type Outcome = { event: CommonEvent; verdicts: Verdict[]; previews: TargetPreview[]; transition: string | null } | { ignored: string }

/**
 * `/console/playground`: a recent event or a pasted payload, routed by the rules loaded now or by a pasted rules
 * file, with every target's messages side by side. Pure: the same code as `ci-notify test` (rules/explain.ts,
 * src/app/preview.ts); nothing is sent, nothing is stored. A pasted file's `${VAR}`s are left empty: no secret is
 * needed to preview, and none can be shown.
 */
export function playgroundPage(app: ConsoleApp, deps: AppDeps): void {
  const recent = async () => (await deps.store.listEvents(RECENT)).map((s) => s.event)

  app.get('/playground', async (c) => {
    const v = c.get('view')
    const form: Form = { source: 'gitlab', payload: '', headers: '', event: c.req.query('event') ?? '', rules: '', previous: '' }
    return c.html(<PlaygroundPage v={v} form={form} recent={await recent()} />)
  })

  app.post('/playground', async (c) => {
    const v = c.get('view')
    const b = await c.req.parseBody()
    const str = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : '')
    const source = str('source')
    const form: Form = { source: isSource(source) ? source : 'gitlab', payload: str('payload'), headers: str('headers'), event: str('event'), rules: str('rules'), previous: str('previous') }
    try {
      if (!isSource(source)) throw new PayloadError(`source must be one of ${SOURCES.join(', ')}`)
      const outcome = await run(deps, form)
      return c.html(<PlaygroundPage v={v} form={form} recent={await recent()} outcome={outcome} />)
    } catch (err) {
      if (!(err instanceof PayloadError || err instanceof ConfigError)) throw err
      return c.html(<PlaygroundPage v={{ ...v, error: err.message }} form={form} recent={await recent()} />, 400)
    }
  })
}

async function run(deps: AppDeps, form: Form): Promise<Outcome> {
  const rules: CompiledRules = form.rules.trim() ? parseRules(form.rules, { file: '<playground>', env: {}, allowUnset: true }) : deps.rules.current
  let event: CommonEvent
  if (form.event) {
    const stored = await deps.store.getEvent(form.event)
    if (!stored) throw new PayloadError(`no event with id "${form.event.slice(0, 100)}"`)
    event = stored.event
  } else {
    if (!form.payload.trim()) throw new PayloadError('paste a payload or pick a recent event')
    let parsed
    try {
      parsed = toEvent(form.source, payloadRequest(form.source, form.payload, form.headers.split('\n').filter((l) => l.trim())), { id: 'playground', now: new Date() })
    } catch (err) {
      throw new PayloadError(`${form.source} payload: ${(err as Error).message.split('\n')[0]}`)
    }
    if (isIgnored(parsed)) return { ignored: parsed.ignored }
    event = parsed
  }
  const prevStatus = Status.safeParse(form.previous)
  const prev: PipelineState | undefined = prevStatus.success ? { status: prevStatus.data, event_id: 'previous' } : undefined
  const { decision, verdicts } = explain(event, rules, prev)
  const { routing } = decision
  return { event, verdicts, transition: routing.transition, previews: previewTargets(event, rules, routing.targets, routing.transition) }
}

function PlaygroundPage(props: { v: View; form: Form; recent: CommonEvent[]; outcome?: Outcome }) {
  const { v, form, outcome } = props
  return (
    <Layout v={v} title={v.t.playground}>
      <h1>{v.t.playground}</h1>
      <p class="muted">{v.t.nothingSent}</p>
      <form method="post" action="/console/playground" id="playground-form">
        <Csrf v={v} />
        <div class="two">
          <section>
            <p>
              <label>
                {v.t.source}{' '}
                <select name="source">
                  {SOURCES.map((s) => (
                    <option value={s} selected={form.source === s}>
                      {s}
                    </option>
                  ))}
                </select>
              </label>{' '}
              <label>
                {v.t.recentEvent}{' '}
                <select name="event">
                  <option value="">-</option>
                  {props.recent.map((e) => (
                    <option value={e.id} selected={form.event === e.id}>
                      {`${when(e.received_at, v.timezone)} ${e.project.path} ${e.kind} ${e.status}`}
                    </option>
                  ))}
                </select>
              </label>
            </p>
            <label>
              {v.t.payload}
              <textarea name="payload" rows={12}>
                {form.payload}
              </textarea>
            </label>
            <label>
              Headers (Name: value)
              <textarea name="headers" rows={2}>
                {form.headers}
              </textarea>
            </label>
            <p>
              <label>
                previous run{' '}
                <select name="previous">
                  {PREVIOUS.map((p) => (
                    <option value={p} selected={form.previous === p}>
                      {p || '-'}
                    </option>
                  ))}
                </select>
              </label>
            </p>
          </section>
          <section>
            <label>
              {v.t.changedRules}
              <textarea name="rules" rows={18}>
                {form.rules}
              </textarea>
            </label>
          </section>
        </div>
        <button type="submit" id="run">
          {v.t.run}
        </button>
      </form>
      {outcome && 'ignored' in outcome && (
        <section id="outcome">
          <p>
            {v.t.ignored}: {outcome.ignored}
          </p>
        </section>
      )}
      {outcome && !('ignored' in outcome) && (
        <div id="outcome">
          <section>
            <h2>{v.t.routing}</h2>
            <p>
              {outcome.event.source} · {outcome.event.project.path} · {outcome.event.kind} · {outcome.event.status} · {v.t.transition}: {outcome.transition ?? '-'}
            </p>
            <VerdictTable v={v} verdicts={outcome.verdicts} />
          </section>
          <section>
            <h2>{v.t.preview}</h2>
            <Previews v={v} previews={outcome.previews} />
          </section>
        </div>
      )}
    </Layout>
  )
}
