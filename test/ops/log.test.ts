import { describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createLogger } from '../../src/log.js'
import { BUILD } from '../helpers/server-process.js'
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

  it('shows control characters from payload text as escapes, so none reaches the terminal (issue 16 item 14)', () => {
    // a project path that sets the window title and clears the screen, then an 8-bit CSI, DEL and a bidi override
    const path = 'grp/app\x1b]0;pwned\x07\x1b[2J\x9b31m\x7f\u202eexe.txt'
    const shownPath = 'grp/app\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\x7f\\u202eexe.txt'
    const title = `fix\rover\u2028x ${path}`
    const line = JSON.stringify({ level: 30, time: 0, msg: `accepted ${path}`, project: path, event: { title, text: `a\n${title}` } })
    const out = prettyLine(line)
    expect(out).toBe(
      [
        `00:00:00 INFO  accepted ${shownPath} project=${shownPath}`,
        '  event:',
        // JSON.stringify already wrote the C0 characters as \u00XX; the rest is shown by the pretty stream
        '    title: "fix\\rover\\u2028x grp/app\\u001b]0;pwned\\u0007\\u001b[2J\\x9b31m\\x7f\\u202eexe.txt"',
        '    text: |',
        '      a',
        `      fix\\rover\\u2028x ${shownPath}`,
        '',
      ].join('\n'),
    )
    // nothing a terminal acts on is left but the breaks between lines
    expect(out).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/)
    expect(prettyLine(`not json ${path}\n`)).toBe(`not json ${shownPath}\n`)
  })

  it('passes a line that is not JSON through', () => {
    expect(prettyLine('plain\n')).toBe('plain\n')
  })
})

describe('stdout, written asynchronously', () => {
  /** Runs a script with createLogger from the tests' build in a child process whose stdout is read, or never read. */
  const child = (script: string, o: { readStdout: boolean }) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
      const p = spawn(process.execPath, ['--input-type=module', '-e', `import { createLogger, crashHandler } from ${JSON.stringify(pathToFileURL(join(BUILD, 'src/log.js')).href)}\n${script}`], {
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stdout = ''
      let stderr = ''
      if (o.readStdout) p.stdout.on('data', (d: Buffer) => (stdout += d))
      else p.stdout.pause()
      p.stderr.on('data', (d: Buffer) => {
        stderr += d
        // A child that can never finish writing its stdout reports on stderr and is then killed.
        if (!o.readStdout && stderr.endsWith('\n')) p.kill('SIGKILL')
      })
      p.on('error', fail)
      p.on('exit', (code) => done({ code, stdout, stderr }))
    })

  it('writes every line logged before a crash, then the crash, in order, and exits', async () => {
    const r = await child(
      `const log = createLogger({ secrets: () => ['s3cr3t-value'] })
       for (let i = 0; i < 20000; i++) log.info({ i, token: 's3cr3t-value' }, 'line')
       process.on('uncaughtException', crashHandler(log, () => process.exit(3))('crash'))
       setImmediate(() => { for (let i = 20000; i < 20010; i++) log.info({ i }, 'line'); throw new Error('boom') })`,
      { readStdout: true },
    )
    expect(r.code).toBe(3)
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { i?: number; msg: string; token?: string })
    expect(lines.filter((l) => l.msg === 'line').map((l) => l.i)).toEqual(Array.from({ length: 20010 }, (_, i) => i))
    expect(lines.at(-1)?.msg).toBe('crash')
    expect(r.stdout).not.toContain('s3cr3t-value')
  })

  it('drops lines, counted, once 16 MB wait for a reader that stopped reading, instead of growing', async () => {
    const r = await child(
      `let dropped = 0
       const log = createLogger({ onDrop: () => dropped++ })
       const line = 'x'.repeat(1000)
       for (let i = 0; i < 30000; i++) log.info({ line }, 'big')
       process.stderr.write(JSON.stringify({ dropped, heapMb: process.memoryUsage().heapUsed / 2 ** 20 }) + '\\n')
       setInterval(() => {}, 1000)`,
      { readStdout: false },
    )
    const { dropped, heapMb } = JSON.parse(r.stderr) as { dropped: number; heapMb: number }
    // ~31 MB of lines, at most 16 MB wait (plus what the pipe took): the rest is dropped, not kept.
    expect(dropped).toBeGreaterThan(10_000)
    expect(dropped).toBeLessThan(16_000)
    expect(heapMb).toBeLessThan(80)
  })
})
