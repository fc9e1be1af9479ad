import { parse as parseYaml, stringify } from 'yaml'
import type { AppDeps } from '../app/deps.js'
import { createSilence, expireSilence, listSilences, nowOf } from '../app/silences.js'
import type { CommonEvent } from '../event.js'
import { PayloadError } from '../errors.js'
import { silenceView } from '../silences/view.js'
import { fill } from './i18n.js'
import type { ConsoleApp } from './view.js'
import { Csrf, Layout } from './layout.js'
import { when, type View } from './view.js'
import { StatusBadge } from './widgets.js'

type Form = { matchers: string; duration: string; comment: string; created_by: string; targets: string[]; catch_up: boolean }
const EMPTY: Form = { matchers: '', duration: '2h', comment: '', created_by: '', targets: [], catch_up: false }

/** "Things like this": the event's source, project, branch (or tag), kind and status, in a rule's `match` syntax. */
export function likeEvent(e: CommonEvent): Record<string, string> {
  const m: Record<string, string> = { source: e.source, project: e.project.path }
  if (e.branch !== undefined) m.branch = e.branch
  else if (e.tag !== undefined) m.tag = e.tag
  m.kind = e.kind
  m.status = e.status
  return m
}

/**
 * `/console/silences`: the list (expire), the form (create), and `/console/silences/new?event=ID`, the form filled
 * from an event for "mute things like this for 2 h". Creating and expiring run src/app/silences.ts, as the API does;
 * the form's matchers are YAML, as in the rules file, turned into the API's body.
 */
export function silencePages(app: ConsoleApp, deps: AppDeps): void {
  const page = async (v: View, form: Form, status: 200 | 400 = 200) => {
    const at = nowOf(deps)
    const list = (await listSilences(deps)).map((s) => silenceView(s, at))
    return { status, body: <SilencesPage v={v} form={form} list={list} targets={Object.keys(deps.rules.current.targets)} /> }
  }

  app.get('/silences', async (c) => {
    const v = c.get('view')
    const q = c.req.query()
    const flash = q.done === 'created' ? fill(v.t.silenceCreated, { id: safeId(q.id) }) : q.done === 'expired' ? fill(v.t.silenceExpired, { id: safeId(q.id) }) : undefined
    const p = await page({ ...v, flash }, EMPTY)
    return c.html(p.body, p.status)
  })

  app.get('/silences/new', async (c) => {
    const v = c.get('view')
    const id = c.req.query('event')
    const stored = id ? await deps.store.getEvent(id) : undefined
    if (id && !stored) return c.html(<Layout v={{ ...v, error: `no event with id "${id.slice(0, 100)}"` }} title="404" />, 404)
    const form = stored ? { ...EMPTY, matchers: stringify(likeEvent(stored.event)), comment: `like ${stored.event.id}` } : EMPTY
    const p = await page(v, form)
    return c.html(p.body, p.status)
  })

  app.post('/silences', async (c) => {
    const v = c.get('view')
    const b = await c.req.parseBody({ all: true })
    const str = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : '')
    const targets = ([] as unknown[]).concat(b.targets ?? []).filter((t): t is string => typeof t === 'string')
    const form: Form = { matchers: str('matchers'), duration: str('duration'), comment: str('comment'), created_by: str('created_by'), targets, catch_up: str('catch_up') === 'on' }
    try {
      let matchers: unknown
      try {
        matchers = parseYaml(form.matchers)
      } catch (err) {
        throw new PayloadError(`matchers: not YAML: ${(err as Error).message.split('\n')[0]}`)
      }
      const s = await createSilence(deps, {
        matchers: matchers ?? {},
        duration: form.duration,
        comment: form.comment,
        created_by: form.created_by,
        catch_up: form.catch_up,
        ...(targets.length && { targets }),
      })
      return c.redirect(`/console/silences?done=created&id=${encodeURIComponent(s.id)}`, 303)
    } catch (err) {
      if (!(err instanceof PayloadError)) throw err
      const p = await page({ ...v, error: err.message }, form, 400)
      return c.html(p.body, p.status)
    }
  })

  app.post('/silences/:id/expire', async (c) => {
    const v = c.get('view')
    const s = await expireSilence(deps, c.req.param('id'))
    if (!s) return c.html(<Layout v={{ ...v, error: `no silence with id "${c.req.param('id').slice(0, 100)}"` }} title="404" />, 404)
    return c.redirect(`/console/silences?done=expired&id=${encodeURIComponent(s.id)}`, 303)
  })
}

const safeId = (id: string | undefined) => (/^sil_[A-Za-z0-9_-]{1,60}$/.test(id ?? '') ? id! : '?')

type Listed = ReturnType<typeof silenceView>

function SilencesPage(props: { v: View; form: Form; list: Listed[]; targets: string[] }) {
  const { v, form } = props
  return (
    <Layout v={v} title={v.t.silences}>
      <h1>{v.t.silences}</h1>
      <div class="two">
        <section>
          <h2>{v.t.newSilence}</h2>
          <form method="post" action="/console/silences" id="silence-form">
            <Csrf v={v} />
            <label>
              {v.t.matchers}
              <textarea name="matchers" rows={6} required>
                {form.matchers}
              </textarea>
            </label>
            <p>
              <label>
                {v.t.duration} <input name="duration" value={form.duration} size={6} required />
              </label>{' '}
              <label>
                {v.t.createdBy} <input name="created_by" value={form.created_by} size={14} required />
              </label>
            </p>
            <p>
              <label>
                {v.t.comment} <input name="comment" value={form.comment} size={40} required />
              </label>
            </p>
            <p>
              {v.t.targets} ({v.t.allTargets} ∅):{' '}
              {props.targets.map((t) => (
                <label>
                  <input type="checkbox" name="targets" value={t} checked={form.targets.includes(t)} /> {t}{' '}
                </label>
              ))}
            </p>
            <p>
              <label>
                <input type="checkbox" name="catch_up" checked={form.catch_up} /> {v.t.catchUp}
              </label>
            </p>
            <button type="submit">{v.t.create}</button>
          </form>
        </section>
        <section>
          <h2>{v.t.silences}</h2>
          {props.list.length ? (
            <table id="silences">
              <thead>
                <tr>
                  <th>{v.t.state}</th>
                  <th>{v.t.matchers}</th>
                  <th>{v.t.ends}</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                {props.list.map((s) => (
                  <tr data-silence={s.id}>
                    <td>
                      <StatusBadge status={s.state} />
                    </td>
                    <td>
                      <pre>{stringify(s.matchers).trim()}</pre>
                      <span class="muted">
                        {s.targets?.join(', ') ?? v.t.allTargets} · {s.comment} · {s.created_by}
                      </span>
                    </td>
                    <td>{when(s.ends_at, v.timezone)}</td>
                    <td>
                      {s.state !== 'expired' && (
                        <form method="post" action={`/console/silences/${encodeURIComponent(s.id)}/expire`}>
                          <Csrf v={v} />
                          <button class="plain" type="submit">
                            {v.t.expire}
                          </button>
                        </form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p>{v.t.noSilences}</p>
          )}
        </section>
      </div>
    </Layout>
  )
}
