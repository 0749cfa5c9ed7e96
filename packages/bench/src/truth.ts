import { vectorText } from '@vecpods/edge'
import { distanceOperator, type Measure } from '@vecpods/registry'
import type postgres from 'postgres'
import { flagMatch } from './data.ts'
import type { Query } from './paths.ts'

export interface Neighbour {
  id: string
  distance: number
}

/**
 * The exact nearest neighbours of each query: a full scan with index scans switched off, so
 * PostgreSQL computes every distance (filtered queries may still use the GIN index to find the
 * matching rows, which is exact too).
 */
export async function exactNeighbours(
  db: postgres.Sql,
  table: string,
  measure: Measure,
  queries: readonly Query[],
  k: number,
  progress: () => void,
): Promise<Neighbour[][]> {
  const op = distanceOperator(measure)
  const sql = await db.reserve()
  try {
    await sql`set enable_indexscan = off`
    const out: Neighbour[][] = []
    for (const q of queries) {
      const where = q.flag ? `where metadata @> '${JSON.stringify(flagMatch(q.flag))}'::jsonb` : ''
      const rows = await sql.unsafe<{ id: string; distance: number }[]>(
        `select id, (vec ${op} $1::extensions.vector)::float8 as distance from vecs."${table}" ${where}
         order by vec ${op} $1::extensions.vector limit ${k}`,
        [vectorText(q.vector)],
      )
      out.push(rows.map((r) => ({ id: r.id, distance: Number(r.distance) })))
      progress()
    }
    await sql`reset enable_indexscan`
    return out
  } finally {
    sql.release()
  }
}

/** The exact top k over several collections of one measure: the union, nearest first. */
export function mergeNeighbours(lists: readonly Neighbour[][], k: number): Neighbour[] {
  return lists
    .flat()
    .sort((a, b) => a.distance - b.distance)
    .slice(0, k)
}
