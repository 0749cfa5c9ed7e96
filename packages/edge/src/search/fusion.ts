import { FUSION_KEEPS_TOP, type FusionMethod } from '@vecpods/protocol'
import { keepFirsts, type Scored } from './keep-firsts.ts'

/** A fusion as a hybrid search runs it, every default resolved. */
export interface FusionSettings {
  method: FusionMethod
  /** RRF's rank constant. */
  k: number
  vectorWeight: number
  textWeight: number
}

export interface Fused extends Scored {
  ranks: { vector?: number; text?: number }
}

/**
 * The fusion of a hybrid search's two arms, each best first with its own higher-is-better score:
 * convex (each arm min-max normalised over its candidates, then weighted) or reciprocal rank
 * fusion, then each arm's first hit kept in the top 3 (scored between its new neighbours). This
 * is the reference the pods' SQL (`vecpods.text_search`) and the primary's `hybrid_<name>`
 * implement; a real-stack test holds them to it.
 */
export function fuseArms(vector: readonly Scored[], text: readonly Scored[], s: FusionSettings): Fused[] {
  const byId = new Map<string, Fused>()
  const add = (arm: readonly Scored[], key: 'vector' | 'text', weight: number) => {
    const scores = arm.map((h) => h.score)
    const [min, max] = [Math.min(...scores), Math.max(...scores)]
    arm.forEach((h, i) => {
      const part = s.method === 'rrf' ? weight / (s.k + i + 1) : weight * (max > min ? (h.score - min) / (max - min) : 1)
      const f = byId.get(h.id) ?? { id: h.id, score: 0, ranks: {} }
      f.score += part
      f.ranks[key] = i + 1
      byId.set(h.id, f)
    })
  }
  add(vector, 'vector', s.vectorWeight)
  add(text, 'text', s.textWeight)
  const fused = [...byId.values()].sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return keepFirsts(fused, [vector[0]?.id, text[0]?.id], FUSION_KEEPS_TOP, true)
}
