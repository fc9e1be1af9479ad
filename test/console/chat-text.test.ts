import { describe, expect, it } from 'vitest'
import { ChatText } from '../../src/console/chat-text.js'

const html = (text: string) => String(ChatText({ text }))

describe('ChatText: a message drawn as the chat shows it, never as markup', () => {
  it('draws headings, quotes, list items, bold, links and mentions', () => {
    const out = html('#### <font color="warning">❌ failed</font>\n> **project** [app](https://git.example/app)\n- <at id=all></at>')
    expect(out).toContain('<div class="md-h">❌ failed</div>')
    expect(out).toContain('<b>project</b>')
    expect(out).toContain('<a href="https://git.example/app" rel="noopener noreferrer" target="_blank">app</a>')
    expect(out).toContain('<span class="md-at">@all</span>')
  })

  it('escapes markup in the text and in link labels, and links only http(s)', () => {
    const out = html('<img src=x onerror=alert(1)> [<script>x</script>](https://a.example) [click](javascript:alert(1)) <https://b.example|<b>>')
    expect(out).not.toMatch(/<img|<script|href="javascript/i)
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(out).toContain('&lt;script&gt;x&lt;/script&gt;</a>')
    expect(out).toContain('[click](javascript:alert(1))')
  })
})
