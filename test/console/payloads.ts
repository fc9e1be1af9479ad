import { fixture } from '../http/requests.js'

/** Markup a webhook could carry to run script in the console; each must come out as text. */
export const XSS = {
  branch: 'fix/<script>window.__xss=1</script>',
  title: '<img src=x onerror="window.__xss=2">',
  message: '"><svg onload="window.__xss=3"></svg>',
  url: 'javascript:window.__xss=4',
}

/** GitLab's failed pipeline with a branch, a commit title, message and URL that try to run script. */
export function xssPipeline(): string {
  const d = JSON.parse(fixture('gitlab', 'pipeline-failed-adapted.json'))
  d.object_attributes.ref = XSS.branch
  d.commit.title = XSS.title
  d.commit.message = `${XSS.title}\n\n${XSS.message}`
  d.commit.url = XSS.url
  return JSON.stringify(d)
}

/** A GitLab pipeline of a project, so tests can tell their events apart. */
export function pipelineOf(project: string, status: 'failed' | 'success' = 'failed'): string {
  const d = JSON.parse(fixture('gitlab', status === 'failed' ? 'pipeline-failed-adapted.json' : 'pipeline-success-docs.json'))
  d.project.path_with_namespace = project
  d.project.name = project.split('/').pop()
  return JSON.stringify(d)
}
