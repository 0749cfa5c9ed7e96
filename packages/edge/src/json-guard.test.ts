import { describe, expect, it } from 'vitest'
import { VecpodsError } from './errors.ts'
import { guardJson, MAX_JSON_DEPTH } from './json-guard.ts'

const refused = (value: unknown) => {
  try {
    guardJson(value)
  } catch (error) {
    expect(error).toBeInstanceOf(VecpodsError)
    expect((error as VecpodsError).code).toBe('invalid_request')
    return (error as VecpodsError).message
  }
  return null
}

describe('guardJson', () => {
  it('passes ordinary JSON, including astral characters and keys like constructor', () => {
    expect(refused({ a: ['x', 1, true, null, { b: 'café 😀' }], constructor: 1, prototype: 'p' })).toBeNull()
  })

  it('refuses NUL and unpaired surrogates in values and keys, naming the path', () => {
    expect(refused({ records: [{ id: 'a\u0000b' }] })).toMatch(/^records\[0\]\.id: contains a NUL character/)
    expect(refused({ filters: { 'k\u0000': { $eq: 1 } } })).toMatch(/^filters\.k\ufffd: the key contains a NUL character/)
    expect(refused({ q: 'x\ud800' })).toMatch(/^q: contains an unpaired UTF-16 surrogate/)
    expect(refused({ q: '\udc00x' })).toMatch(/unpaired/)
    expect(refused({ q: '\ud83d\ude00' })).toBeNull()
  })

  it('refuses __proto__ keys, infinite numbers and deep nesting', () => {
    expect(refused(JSON.parse('{"metadata": {"__proto__": {"x": 1}}}'))).toMatch(/^metadata\.__proto__: the key "__proto__" is not allowed/)
    expect(refused(JSON.parse('{"v": [1e400]}'))).toMatch(/^v\[0\]: numbers must be finite/)
    let deep: unknown = 1
    for (let i = 0; i < MAX_JSON_DEPTH + 1; i++) deep = { d: deep }
    expect(refused(deep)).toMatch(/nested deeper than 32 levels/)
  })
})
