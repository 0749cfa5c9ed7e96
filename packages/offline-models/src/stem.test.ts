import { describe, expect, it } from 'vitest'
import { stem } from './stem.ts'

describe('stem', () => {
  it('maps inflections of a word to one stem', () => {
    for (const group of [
      ['index', 'indexes', 'indexing', 'indexed'],
      ['query', 'queries', 'queried'],
      ['run', 'running', 'runs'],
      ['filter', 'filters', 'filtering', 'filtered'],
      ['configuration', 'configurations'],
    ]) {
      expect(new Set(group.map(stem)), group.join(',')).toHaveProperty('size', 1)
    }
  })

  it('leaves short words and -ss/-us/-is words alone', () => {
    expect(['is', 'as', 'bus', 'class', 'analysis', 'go'].map(stem)).toEqual(['is', 'as', 'bus', 'class', 'analysis', 'go'])
  })

  it('keeps unrelated words apart', () => {
    expect(stem('vector')).not.toBe(stem('vet'))
    expect(stem('posts')).not.toBe(stem('postgres'))
  })
})
