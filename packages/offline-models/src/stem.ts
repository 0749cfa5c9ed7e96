/**
 * A deliberately crude English stemmer: inflections of one word share a vector in the lexical
 * model, so "index", "indexes" and "indexing" match each other. It only has to be consistent.
 */
const RULES: Array<[suffix: string, replacement: string, minStem: number]> = [
  ['ational', 'ate', 3],
  ['ization', 'ize', 3],
  ['iveness', 'ive', 3],
  ['fulness', 'ful', 3],
  ['ousness', 'ous', 3],
  ['ements', 'e', 3],
  ['ations', 'ate', 3],
  ['ation', 'ate', 3],
  ['ement', 'e', 3],
  ['ings', '', 3],
  ['ing', '', 3],
  ['ies', 'y', 2],
  ['ied', 'y', 2],
  ['sses', 'ss', 2],
  ['xes', 'x', 2],
  ['ches', 'ch', 2],
  ['shes', 'sh', 2],
  ['ed', '', 3],
  ['ly', '', 3],
  ['es', 'e', 3],
  ['s', '', 3],
]

export function stem(word: string): string {
  const w = word.toLowerCase()
  if (w.endsWith('ss') || w.endsWith('us') || w.endsWith('is')) return w
  for (const [suffix, replacement, minStem] of RULES) {
    if (w.endsWith(suffix) && w.length - suffix.length >= minStem) {
      const base = w.slice(0, -suffix.length) + replacement
      // "running" -> "runn" -> "run": undo a doubled final consonant left by the suffix.
      return /([^aeiouls])\1$/.test(base) ? base.slice(0, -1) : base
    }
  }
  return w
}
