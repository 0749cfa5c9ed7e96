import { FUSION_KEEPS_TOP } from '@vecpods/protocol'

/**
 * The fusion of a hybrid search's arms in SQL, as CTEs after two others: `v` (the vector arm:
 * `id, d` distance, `r` rank, `dmin, dmax` over the arm) and `x` (the text arm: `id, s` BM25, `r`,
 * `smin, smax`), both with the `carry` columns. It yields `ranked` with `id, score, vr, xr, d`,
 * `pos` (the final order) and the carried columns. The same method as the edge's reference
 * (`packages/edge/src/search/fusion.ts`): convex over min-max normalised scores or reciprocal rank
 * fusion, then each arm's first hit kept in the top 3, scores raised to stay in rank order.
 * `p` names the SQL expressions of the settings: whether there is a vector arm, the method, k and
 * the weights. Without a vector arm the score is BM25 and nothing is moved.
 */
export function fusionCtes(p: { vector: string; method: string; k: string; vectorWeight: string; textWeight: string; carry?: string[] }): string {
  const carried = (p.carry ?? []).map((c) => `coalesce(v.${c}, x.${c}) as ${c}`).join(', ')
  const carriedOut = (p.carry ?? []).map((c) => `placed.${c}`).join(', ')
  const keep = FUSION_KEEPS_TOP
  return `f as (
       select coalesce(v.id, x.id) as id, v.r as vr, x.r as xr, v.d,
         case when not (${p.vector}) then x.s
              when ${p.method} = 'rrf' then coalesce(${p.vectorWeight} / (${p.k} + v.r), 0) + coalesce(${p.textWeight} / (${p.k} + x.r), 0)
              else ${p.vectorWeight} * case when v.id is null then 0 when v.dmax > v.dmin then (v.dmax - v.d) / (v.dmax - v.dmin) else 1 end
                 + ${p.textWeight} * case when x.id is null then 0 when x.smax > x.smin then (x.s - x.smin) / (x.smax - x.smin) else 1 end
         end as score${
           carried
             ? `,
         ${carried}`
             : ''
         }
       from v full join x on v.id = x.id
     ), o as (
       select f.*, row_number() over (order by f.score desc, f.id collate "C") as fr,
         coalesce((${p.vector}) and (f.vr = 1 or f.xr = 1), false) as first
       from f
     ), g as (
       select o.*, count(*) filter (where o.first) over () as nfirst,
         max(case when o.first and o.fr > ${keep} then 1 else 0 end) over () as deep,
         row_number() over (partition by o.first order by o.fr) as pr
       from o
     ), placed as (
       select g.*, case when g.deep = 1 and not g.first and g.pr > greatest(0, ${keep} - g.nfirst) then g.fr + 1000000 else g.fr end as pos
       from g
     ), ranked as (
       select placed.id, max(placed.score) over (order by placed.pos desc rows between unbounded preceding and current row) as score,
         placed.vr, placed.xr, placed.d, placed.pos${carriedOut ? `, ${carriedOut}` : ''}
       from placed
     )`
}

/** The window columns each arm needs besides its rank: the range of its scores. */
export const armRangeSql = { vector: 'min(a.d) over () as dmin, max(a.d) over () as dmax', text: 'min(b.s) over () as smin, max(b.s) over () as smax' }
