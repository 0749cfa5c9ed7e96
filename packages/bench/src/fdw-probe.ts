import { vectorText } from '@vecpods/edge'
import { distanceOperator, type Measure } from '@vecpods/registry'
import type postgres from 'postgres'
import { flagMatch } from './data.ts'

export interface ForeignScanProbe {
  /** The filter flag, or null for an unfiltered search. */
  flag: string | null
  limitPushed: boolean
  /** Rows the Foreign Scan node returned (EXPLAIN ANALYZE "Actual Rows"). */
  foreignRows: number
  /**
   * Rows that crossed from the pod at most: the Foreign Scan's rows when the LIMIT ran on the pod,
   * else a whole `fetch_size` batch (or every matching row, if fewer).
   */
  crossedAtMost: number
  remoteSql: string
}

interface PlanNode {
  'Node Type': string
  'Actual Rows'?: number
  'Remote SQL'?: string
  Plans?: PlanNode[]
}

const walk = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(walk)]

/**
 * What a similarity search through the primary's foreign table sends to the pod, read off
 * EXPLAIN (ANALYZE, VERBOSE) on the primary with sorting ruled out as inside `match_<name>`.
 */
export async function probeForeignScan(
  primary: postgres.Sql,
  collection: string,
  measure: Measure,
  vector: number[],
  flag: string | null,
  limit: number,
  fetchSize: number,
): Promise<ForeignScanProbe> {
  const where = flag ? `where metadata @> '${JSON.stringify(flagMatch(flag))}'::jsonb` : ''
  const [row] = await primary.begin(async (tx) => {
    await tx`set local enable_sort = off`
    return tx.unsafe<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
      `explain (analyze, verbose, format json) select id, metadata from public."${collection}" ${where}
       order by embedding ${distanceOperator(measure)} $1::extensions.vector limit ${limit}`,
      [vectorText(vector)],
    )
  })
  const nodes = walk(row!['QUERY PLAN'][0].Plan)
  const scan = nodes.find((n) => n['Node Type'] === 'Foreign Scan')
  if (!scan) throw new Error(`no Foreign Scan in the plan of a search on public.${collection}`)
  const remoteSql = scan['Remote SQL'] ?? ''
  const limitPushed = /\bLIMIT \d+::bigint$/.test(remoteSql)
  const foreignRows = scan['Actual Rows'] ?? 0
  return { flag, limitPushed, foreignRows, crossedAtMost: limitPushed ? foreignRows : Math.max(foreignRows, fetchSize), remoteSql }
}
