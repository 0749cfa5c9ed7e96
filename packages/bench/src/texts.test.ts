import { describe, expect, it } from 'vitest'
import { questionText } from './texts.ts'

describe('questionText', () => {
  it('gives distinct texts for distinct indexes', () => {
    const texts = Array.from({ length: 20_000 }, (_, i) => questionText(i * 7 + 3))
    expect(new Set(texts).size).toBe(texts.length)
    expect(questionText(0)).toBe('how to configure slow requests in the browser')
  })
  it('refuses indexes outside its range', () => {
    expect(() => questionText(-1)).toThrow(RangeError)
    expect(() => questionText(160_000)).toThrow(RangeError)
  })
})
