import type { CommonEvent } from '../src/event.js'

/**
 * Identity of "the same pipeline" for transitions: source, kind, project path, branch or tag, name — and the
 * environment for deploys, so a failed staging deploy does not "fix" production. Kind keeps a GitLab job named like
 * its pipeline from sharing the pipeline's state.
 */
export function pipelineKey(e: CommonEvent): string | undefined {
  const ref = e.tag !== undefined ? `tag:${e.tag}` : e.branch !== undefined ? `branch:${e.branch}` : e.ref !== undefined ? `ref:${e.ref}` : ''
  const env = e.kind === 'deploy' ? (e.environment ?? e.deployment?.environment ?? '') : ''
  return [e.source, e.kind, e.project.path, ref, e.name ?? '', env].join('|')
}
