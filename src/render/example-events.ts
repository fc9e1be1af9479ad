import type { CommonEvent } from '../event.js'

/**
 * Sample events for `renderExamples()` (the gallery of docs/messages.md). The pipeline and the deployment are what the
 * adapters make of test/fixtures/gitlab/pipeline-failed-adapted.json and deployment-success-docs.json
 * (test/render/examples.test.ts checks they still match); the build is one job of that pipeline.
 */
const gitlabProject = { name: 'Gitlab Test', path: 'gitlab-org/gitlab-test', url: 'http://192.168.64.1:3005/gitlab-org/gitlab-test' }
const job = (id: number, name: string, status: CommonEvent['status'], extra: object = {}) => ({
  name,
  status,
  url: `http://192.168.64.1:3005/gitlab-org/gitlab-test/-/jobs/${id}`,
  allow_failure: false,
  ...extra,
})

export const pipelineFailed: CommonEvent = {
  id: 'example-1',
  source: 'gitlab',
  kind: 'pipeline',
  status: 'failed',
  source_status: 'failed',
  finished: true,
  project: gitlabProject,
  ref: 'master',
  branch: 'master',
  sha: 'bcbb5ec396a2c0f828686f14fac9b80b780504f2',
  commit: {
    title: 'test',
    message: 'test\n',
    author: { name: 'User', email: 'user@gitlab.com' },
    url: 'http://example.com/gitlab-org/gitlab-test/commit/bcbb5ec396a2c0f828686f14fac9b80b780504f2',
  },
  actor: { name: 'Administrator', username: 'root' },
  number: 31,
  name: 'Pipeline for branch: master',
  url: 'http://example.com/gitlab-org/gitlab-test/-/pipelines/31',
  started_at: '2016-08-12T15:23:28.000Z',
  finished_at: '2016-08-12T15:26:29.000Z',
  duration_s: 63,
  stages: [
    { name: 'build', status: 'success', duration_s: 30, jobs: [job(376, 'build-image', 'success', { duration_s: 17 })] },
    {
      name: 'test',
      status: 'failed',
      duration_s: 17,
      jobs: [
        job(377, 'test-image', 'success', { duration_s: 17 }),
        job(378, 'test-build', 'failed', { failure_reason: 'script_failure', duration_s: 17 }),
      ],
    },
    { name: 'deploy', status: 'queued', jobs: [job(379, 'staging', 'queued'), job(380, 'production', 'skipped')] },
  ],
  merge_request: {
    number: 1,
    reference: '!1',
    title: 'Test',
    url: 'http://192.168.64.1:3005/gitlab-org/gitlab-test/merge_requests/1',
    source_branch: 'test',
    target_branch: 'master',
  },
  delivery_id: '1:pipeline:31:failed:2016-08-12 15:26:29 UTC',
  received_at: '2016-08-12T15:26:30.000Z',
}

export const buildSucceeded: CommonEvent = {
  ...pipelineFailed,
  id: 'example-2',
  kind: 'build',
  status: 'success',
  source_status: 'success',
  number: 1977,
  name: 'test-build',
  url: 'http://192.168.64.1:3005/gitlab-org/gitlab-test/-/jobs/1977',
  duration_s: 125,
  stages: undefined,
  merge_request: undefined,
  delivery_id: '1:build:1977:success',
}

export const deploySucceeded: CommonEvent = {
  id: 'example-3',
  source: 'gitlab',
  kind: 'deploy',
  status: 'success',
  source_status: 'success',
  finished: true,
  project: { name: 'test-deployment-webhooks', path: 'root/test-deployment-webhooks', url: 'http://10.126.0.2:3000/root/test-deployment-webhooks' },
  sha: '279484c09fbe69ededfced8c1bb6e6d24616b468',
  commit: { title: 'Add new file', url: 'http://10.126.0.2:3000/root/test-deployment-webhooks/-/commit/279484c09fbe69ededfced8c1bb6e6d24616b468' },
  actor: { name: 'Administrator', username: 'root' },
  number: 15,
  name: 'staging',
  url: 'http://10.126.0.2:3000/root/test-deployment-webhooks/-/jobs/796',
  finished_at: '2021-04-28T19:50:00.000Z',
  environment: 'staging',
  deployment: { environment: 'staging', url: 'https://staging.example.com', version: '279484c0' },
  delivery_id: '30:deployment:15:success',
  received_at: '2021-04-28T19:50:01.000Z',
}
