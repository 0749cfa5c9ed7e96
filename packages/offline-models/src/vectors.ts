/**
 * Deterministic pseudo-random int8 vectors, one per seed string: random directions in 384
 * dimensions are nearly orthogonal, so the mean of a text's word vectors is a random projection
 * of its weighted bag of words, and cosine similarity measures shared words.
 */
export function seededRow(seed: string, dims: number): Int8Array {
  let state = fnv1a(seed) || 0x9e3779b9
  const row = new Int8Array(dims)
  for (let i = 0; i < dims; i++) {
    // xorshift32
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    row[i] = ((state >>> 0) % 255) - 127
  }
  return row
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}
