import { fixture, gitlabReq } from '../http/requests.js'

/**
 * What the grouping and reminder end-to-end tests share: the rules (a monorepo grouped per project with a 30 s wait;
 * main reminded every minute while broken) and GitLab pipeline webhooks built from a real payload.
 */
export const noiseRules = (webhook: string) => `
targets:
  ci: { type: dingtalk, webhook: "${webhook}", keyword: CI }
people:
  - { name: Admin, gitlab: root, dingtalk: admin_ding }
rules:
  - name: fixed
    match: { transition: fixed }
    notify: [ci]
  - name: main broken
    match: { branch: master, status: failed }
    notify: [ci]
    mention: [actor]
    remind_every: 1m
  - name: monorepo
    match: { project: "mono/**" }
    notify: [ci]
    group_by: [project]
    group_wait: 30s
`

/** A GitLab Pipeline Hook: pipeline `id` on `ref` of `project`, finished with `status`. */
export function pipelineHook(o: { id: number; status: 'failed' | 'success'; ref?: string; project?: string }) {
  const body = JSON.parse(fixture('gitlab', 'pipeline-failed-adapted.json'))
  const project = o.project ?? 'gitlab-org/gitlab-test'
  body.object_attributes = { ...body.object_attributes, id: o.id, iid: o.id, status: o.status, detailed_status: o.status, ref: o.ref ?? 'master', url: `http://example.com/${project}/-/pipelines/${o.id}` }
  body.project = { ...body.project, path_with_namespace: project, name: project.split('/').at(-1), web_url: `http://example.com/${project}` }
  if (o.status === 'success') body.builds = body.builds.map((b: Record<string, unknown>) => ({ ...b, status: 'success' }))
  return gitlabReq({ body: JSON.stringify(body), key: `pipeline-${project}-${o.id}-${o.status}` })
}

/** The pipeline numbers a message links to. */
export const pipelinesIn = (text: string): number[] => [...text.matchAll(/pipelines\/(\d+)/g)].map((m) => Number(m[1]))

export const isReminder = (text: string): boolean => text.includes('仍然失败，已持续')
