import { httpFailure } from './http-verdict.js'
import { jsonObject } from './json-reply.js'
import type { Reading, RobotReply, Verdict } from './types.js'

/**
 * Reads the `{errcode, errmsg}` envelope DingTalk and WeCom answer with. Both answer HTTP 200 for failures too, so
 * success is `errcode === 0` and nothing else; a 200 without the envelope (a proxy page, a cut body) is an unknown
 * outcome, tried again.
 */
export function readErrcodeReply(reply: RobotReply, classify: (errcode: number, errmsg: string) => Verdict): Reading {
  if (reply.status !== 200) return httpFailure(reply.status)
  const envelope = parseEnvelope(reply.text)
  if (!envelope) return { ok: false, verdict: { kind: 'retry' }, errmsg: 'HTTP 200 without an {errcode, errmsg} body', label: 'bad_reply' }
  const { errcode, errmsg } = envelope
  if (errcode === 0) return { ok: true }
  return { ok: false, verdict: classify(errcode, errmsg), errcode, errmsg, label: String(errcode) }
}

function parseEnvelope(text: string): { errcode: number; errmsg: string } | undefined {
  const o = jsonObject(text)
  if (typeof o?.errcode !== 'number') return undefined
  return { errcode: o.errcode, errmsg: typeof o.errmsg === 'string' ? o.errmsg : '' }
}
