/** Hits ordered best first. */
export interface Scored {
  id: string
  score: number
}

/**
 * Reorders `merged` (best first) so that the first hit of every list in `firsts` sits within the
 * top `within` places: the top places go to those hits and to the best of the others, in their
 * merged order; the remaining others follow. A list already in that shape is returned as it is.
 * With `rescore`, each hit then scores at least as much as every hit after it (a moved hit takes
 * the score of the best one it passed), so the scores stay in rank order: the fusion's scores are
 * its own to set; a fan-out's stay the pods'.
 */
export function keepFirsts<T extends Scored>(merged: T[], firsts: ReadonlyArray<string | undefined>, within: number, rescore = false): T[] {
  const wanted = new Set(firsts.filter((id): id is string => id !== undefined))
  if (merged.every((h, i) => i < within || !wanted.has(h.id))) return merged
  const others = merged.filter((h) => !wanted.has(h.id))
  const room = Math.max(0, within - (merged.length - others.length))
  const best = new Set(others.slice(0, room))
  const out = [...merged.filter((h) => wanted.has(h.id) || best.has(h)), ...others.slice(room)]
  if (!rescore) return out
  let floor = Number.NEGATIVE_INFINITY
  for (let i = out.length - 1; i >= 0; i--) {
    floor = Math.max(floor, out[i]!.score)
    if (out[i]!.score < floor) out[i] = { ...out[i]!, score: floor }
  }
  return out
}
