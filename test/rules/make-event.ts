import type { CommonEvent } from '../../src/event.js'

/** A finished, failed GitLab pipeline on main; tests override what they look at. */
export function makeEvent(o: Partial<CommonEvent> = {}): CommonEvent {
  return {
    id: 'evt-1',
    source: 'gitlab',
    kind: 'pipeline',
    status: 'failed',
    source_status: 'failed',
    finished: true,
    project: { name: 'app', path: 'group/app' },
    ref: 'main',
    branch: 'main',
    number: 100,
    attempt: 1,
    name: 'ci',
    actor: { username: 'root', name: 'Administrator', email: 'admin@example.com' },
    commit: { title: 'fix', author: { name: 'User', email: 'user@gitlab.com' } },
    delivery_id: 'd-1',
    received_at: '2026-01-01T00:00:00.000Z',
    ...o,
  }
}
