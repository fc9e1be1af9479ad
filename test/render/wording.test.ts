import { describe, expect, it } from 'vitest'
import { renderers } from '../../src/platforms/index.js'
import type { RenderInput, RobotMessage } from '../../src/render/types.js'
import * as f from './events.js'

/** Issue 16 item 12: what the messages say, on both platforms. */
type Any = { markdown?: { title?: string; text?: string; content?: string }; actionCard?: { title: string; text: string }; text?: { content: string } }
const body = (m: RobotMessage) => {
  const a = m as Any
  return a.markdown?.text ?? a.markdown?.content ?? a.actionCard?.text ?? a.text!.content
}
/** The first message's body on each platform and message type. */
function bodies(i: RenderInput): Record<string, string> {
  const out: Record<string, string> = {}
  for (const msgtype of ['markdown', 'actionCard', 'text'] as const) out[`dingtalk/${msgtype}`] = body(renderers.dingtalk.render({ ...i, target: f.dingtalkTarget({ msgtype }) })[0])
  for (const msgtype of ['markdown', 'text'] as const) out[`wecom/${msgtype}`] = body(renderers.wecom.render({ ...i, target: f.wecomTarget({ msgtype }) })[0])
  return out
}

describe('a deploy is not a build: its transition says deploy (a)', () => {
  const cases = [
    ['zh-CN', 'broken', 'failed', '❌ 部署失败 · 💥 部署被破坏'],
    ['zh-CN', 'fixed', 'success', '✅ 部署成功 · 🎉 部署已修复'],
    ['en', 'broken', 'failed', '❌ Deploy failed · 💥 Deploy broken'],
    ['en', 'fixed', 'success', '✅ Deploy succeeded · 🎉 Deploy fixed'],
  ] as const
  for (const [locale, transition, status, heading] of cases) {
    it(`${locale} ${transition}: ${heading}`, () => {
      const event = { ...f.gitlabDeploy(), status }
      for (const [where, b] of Object.entries(bodies(f.input(event, { locale, transition })))) expect(b, where).toContain(heading)
    })
  }
  it('a pipeline still breaks and fixes the build', () => {
    const b = bodies(f.input(f.gitlabPipelineFailed(), { transition: 'broken' }))
    for (const [where, text] of Object.entries(b)) expect(text, where).toContain('❌ 流水线失败 · 💥 构建被破坏')
    const en = bodies(f.input({ ...f.gitlabPipelineFailed(), status: 'success' }, { transition: 'fixed', locale: 'en' }))
    for (const [where, text] of Object.entries(en)) expect(text, where).toContain('✅ Pipeline succeeded · 🎉 Fixed')
  })
})
