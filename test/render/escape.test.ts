import { describe, expect, it } from 'vitest'
import { neutral, safeUrl, wellFormed } from '../../src/render/escape.js'
import { shortUrl } from '../../src/render/short-url.js'

describe('neutral', () => {
  it('breaks markdown links and images', () => {
    expect(neutral('[x](http://evil)')).toBe('［x］(http://evil)')
    expect(neutral('![](http://evil/p.png)')).toBe('!［］(http://evil/p.png)')
  })

  it('breaks tags and WeCom <@userid> mentions', () => {
    expect(neutral('<@all>')).toBe('＜＠all＞')
    expect(neutral('<font color="info">ok</font>')).toBe('＜font color="info"＞ok＜/font＞')
  })

  it('breaks DingTalk @mobile / @userId tokens', () => {
    expect(neutral('ping @13800138000 and @manager7675')).toBe('ping ＠13800138000 and ＠manager7675')
  })

  it('keeps text on one line: newlines, tabs, controls and bidi overrides go', () => {
    expect(neutral('fix\n#### heading\r\n> quote\t- item')).toBe('fix #### heading ＞ quote - item')
    expect(neutral('a\u202eevil\u202cb\u0000c\u200bd')).toBe('a evil b c d')
  })

  it('neutralises bold, inline code and entities', () => {
    expect(neutral('**bold** `code` &lt;')).toBe('＊＊bold＊＊ ˋcodeˋ ＆lt;')
  })

  it('leaves ordinary text alone', () => {
    expect(neutral('feature/login-page_v2 (#123): 修复登录')).toBe('feature/login-page_v2 (#123): 修复登录')
  })

  it('replaces lone surrogates so the text is valid UTF-8', () => {
    expect(wellFormed('a\ud800b\udc00c😀')).toBe('a\ufffdb\ufffdc😀')
    expect(neutral('x\ud83d')).toBe('x\ufffd')
  })
})

describe('safeUrl', () => {
  it('accepts http(s) and encodes what would end a markdown link', () => {
    expect(safeUrl('https://ci.example.com/a(b)/c d')).toBe('https://ci.example.com/a%28b%29/c%20d')
    expect(safeUrl('http://x.test/p?q=1&r=2')).toBe('http://x.test/p?q=1&r=2')
  })

  it('drops credentials and encodes @ so a link cannot carry a mention token', () => {
    expect(safeUrl('https://user:secret@ci.example.com/a/@13800138000')).toBe('https://ci.example.com/a/%4013800138000')
  })

  it('refuses other schemes, non-URLs and input too big to be a link', () => {
    expect(safeUrl('javascript:alert(1)')).toBeUndefined()
    expect(safeUrl('dingtalk://dingtalkclient/page/link?url=x')).toBeUndefined()
    expect(safeUrl('not a url')).toBeUndefined()
    expect(safeUrl(undefined)).toBeUndefined()
    expect(safeUrl('https://x.test/' + 'a'.repeat(70_000))).toBeUndefined()
  })

  it('counts a link as written, after percent-encoding, and shortens one over 2048 to its origin and path prefix (issue 16 item 10)', () => {
    // 2019 characters as given; 6019 once each @ is %40, 17 119 once each 长 is %E9%95%BF
    expect(safeUrl('https://ci.example/' + '@'.repeat(2000))).toBe('https://ci.example/')
    expect(safeUrl('https://ci.example/' + '长'.repeat(1900))).toBe('https://ci.example/')
    expect(safeUrl('https://ci.example/g/app/-/jobs/7?q=' + '长'.repeat(400))).toBe('https://ci.example/g/app/-/jobs/7')
    expect(safeUrl('https://ci.example/g/app/' + '长'.repeat(400) + '/x')).toBe('https://ci.example/g/app')
    expect(safeUrl('https://x.test/' + 'a'.repeat(3000))).toBe('https://x.test/')
    const fits = 'https://ci.example/p?' + 'a'.repeat(2048 - 21)
    expect(safeUrl(fits)).toBe(fits)
  })
})

describe('shortUrl', () => {
  it('keeps a link that fits, else the longest origin + whole path segments within the cap, at least the origin', () => {
    const u = 'https://ci.example/g/app/-/pipelines/31?ref=main#frag'
    expect(shortUrl(u, u.length)).toBe(u)
    expect(shortUrl(u, u.length - 1)).toBe('https://ci.example/g/app/-/pipelines/31')
    expect(shortUrl(u, 'https://ci.example/g/app/-/pipelines/31'.length - 1)).toBe('https://ci.example/g/app/-/pipelines')
    expect(shortUrl(u, 'https://ci.example/g'.length)).toBe('https://ci.example/g')
    expect(shortUrl(u, 10)).toBe('https://ci.example/')
    // never inside a percent-escape
    expect(shortUrl('https://ci.example/a/%E9%95%BF%E9%95%BF', 30)).toBe('https://ci.example/a')
  })
})
