import { describe, expect, it } from 'vitest'
import { createLogger } from '../../src/log.js'
import { prettyLine } from '../../src/log-pretty.js'
import { captureLogs } from '../helpers/log-capture.js'

describe('log redaction', () => {
  it('strips robot URL credentials from messages, fields and errors', () => {
    const { logs: lines, destination } = captureLogs()
    const log = createLogger({ destination })
    const url = 'https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789&timestamp=1&sign=c2lnbmF0dXJl'
    log.info({ url }, `posting to ${url}`)
    log.error({ err: new Error(`fetch failed for https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa`) }, 'send failed')
    const all = lines.join('')
    expect(all).not.toContain('abcdef0123456789')
    expect(all).not.toContain('c2lnbmF0dXJl')
    expect(all).not.toContain('693a91f6-7xxx')
    expect(all).toContain('access_token=***')
    expect(all).toContain('key=***')
  })

  it('strips every configured secret, including ones known only later (rules loaded after the logger)', () => {
    const { logs: lines, destination } = captureLogs()
    const secrets: string[] = ['gitlab-token-A1b2C3']
    const log = createLogger({ destination, secrets: () => secrets })
    log.info({ header: 'gitlab-token-A1b2C3' }, 'first')
    secrets.push('SECd3adb33fcafe')
    log.warn(`signing with SECd3adb33fcafe`)
    log.error({ err: new Error('bad token gitlab-token-A1b2C3') }, 'auth')
    const all = lines.join('')
    expect(all).not.toContain('gitlab-token-A1b2C3')
    expect(all).not.toContain('SECd3adb33fcafe')
    expect(all.match(/\*\*\*/g)?.length).toBeGreaterThanOrEqual(4)
  })

  it('strips a secret whose JSON form is escaped', () => {
    const { logs: lines, destination } = captureLogs()
    const secret = 'pa"ss\\word-42'
    const log = createLogger({ destination, secrets: () => [secret] })
    log.info({ value: secret }, 'x')
    const all = lines.join('')
    expect(all).not.toContain(JSON.stringify(secret).slice(1, -1))
    expect(JSON.parse(all).value).toBe('***')
  })

  it('redacts pretty output too', () => {
    const { logs: lines, destination } = captureLogs()
    const log = createLogger({ destination, format: 'pretty', secrets: () => ['admin-token-xyz'] })
    log.info({ token: 'admin-token-xyz', webhook: 'https://x/robot/send?access_token=zzzzzzzz' }, 'hello')
    expect(lines.join('')).toMatch(/^\d\d:\d\d:\d\d INFO {2}hello token=\*\*\* webhook=https:\/\/x\/robot\/send\?access_token=\*\*\*\n$/)
  })
})

describe('pretty format', () => {
  it('writes one head line and indents multi-line text and stacks', () => {
    const line = JSON.stringify({ level: 30, time: Date.UTC(2026, 0, 1, 12, 4, 5), pid: 1, hostname: 'h', service: 'ci-notify', msg: 'dry run', target: 'dev-group', text: '### ❌ 失败\n- 项目: app' })
    expect(prettyLine(line)).toBe('12:04:05 INFO  dry run target=dev-group\n  text: |\n    ### ❌ 失败\n    - 项目: app\n')
  })

  it('outlines a rendered message so its text reads as it will be sent', () => {
    const messages = [{ msgtype: 'markdown', markdown: { title: '失败', text: 'line 1\nline 2' }, at: { atUserIds: ['u1'], atMobiles: [], isAtAll: false } }]
    const line = JSON.stringify({ level: 30, time: Date.UTC(2026, 0, 1, 0, 0, 0), msg: 'dry run', target: 'dev', messages })
    expect(prettyLine(line)).toBe(
      [
        '00:00:00 INFO  dry run target=dev',
        '  messages:',
        '    -',
        '      msgtype: markdown',
        '      markdown:',
        '        title: 失败',
        '        text: |',
        '          line 1',
        '          line 2',
        '      at:',
        '        atUserIds:',
        '          - u1',
        '        atMobiles: []',
        '        isAtAll: false',
        '',
      ].join('\n'),
    )
  })

  it('passes a line that is not JSON through', () => {
    expect(prettyLine('plain\n')).toBe('plain\n')
  })
})
