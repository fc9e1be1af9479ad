import { describe, expect, it } from 'vitest'
import { PayloadError } from '../../src/errors.js'
import { fields, parseJsonBody } from '../../adapters/common/json-fields.js'

describe('fields', () => {
  const f = fields({ a: { s: 'x', n: 3, b: true, empty: '', nul: null, t: '2016-08-12 15:23:28 UTC', list: [{ k: 1 }], strs: ['p'] } })
  const a = f.obj('a')

  it('reads typed values and treats null and "" as absent', () => {
    expect([a.str('s'), a.num('n'), a.optBool('b')]).toEqual(['x', 3, true])
    expect([a.optStr('empty'), a.optStr('nul'), a.optNum('missing'), a.optObj('nul')]).toEqual([undefined, undefined, undefined, undefined])
    expect(a.optTime('t')).toBe('2016-08-12T15:23:28.000Z')
    expect(a.list('list').map((x) => x.num('k'))).toEqual([1])
    expect(a.strList('strs')).toEqual(['p'])
    expect(a.list('missing')).toEqual([])
  })

  it.each([
    [() => a.str('n'), 'a.n: expected a string, got number'],
    [() => a.str('missing'), 'a.missing: missing (expected a non-empty string)'],
    [() => a.num('s'), 'a.s: expected a number, got string'],
    [() => a.obj('s'), 'a.s: expected an object, got string'],
    [() => a.list('s'), 'a.s: expected an array, got string'],
    [() => a.optBool('s'), 'a.s: expected a boolean, got string'],
    [() => a.list('strs'), 'a.strs[0]: expected an object, got string'],
    [() => a.strList('list'), 'a.list[0]: expected a string, got object'],
    [() => a.optTime('s'), 'a.s: expected a time such as'],
    [() => fields([1]), 'body: expected an object, got array'],
    [() => fields(JSON.parse('{"a":{"n":1e309}}')).obj('a').num('n'), 'a.n: number out of range'],
    [() => fields(JSON.parse('{"n":-1e309}')).optNum('n'), 'n: number out of range'],
  ])('names the path: %#', (read, message) => {
    expect(read).toThrow(PayloadError)
    expect(read).toThrow(message)
  })

  it('does not read inherited properties', () => {
    expect(fields({}).optStr('constructor')).toBeUndefined()
    expect(fields(JSON.parse('{"__proto__": {"x": "y"}}')).obj('__proto__').str('x')).toBe('y')
  })
})

describe('parseJsonBody', () => {
  it('turns a JSON syntax error into a PayloadError', () => {
    expect(() => parseJsonBody('{"a":')).toThrow(PayloadError)
    expect(() => parseJsonBody('{"a":')).toThrow(/^body is not valid JSON: /)
  })

  it('skips a leading UTF-8 BOM, and only a leading one', () => {
    expect(parseJsonBody('\uFEFF{"a":1}')).toEqual({ a: 1 })
    expect(() => parseJsonBody('\uFEFF\uFEFF{"a":1}')).toThrow(PayloadError)
    expect(parseJsonBody('{"a":"\uFEFF"}')).toEqual({ a: '\uFEFF' })
  })
})
