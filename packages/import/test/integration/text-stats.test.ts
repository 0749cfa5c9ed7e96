// The importer writes with COPY (and a staging table merged with upsert semantics into a collection
// that has rows): BM25's statistics follow those writes as they follow the edge's.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { adminSql, stackEndpoints, stackOptions } from '@vecpods/stack'
import { afterAll, describe, expect, it } from 'vitest'
import { importFile } from '../../src/index.ts'

const opts = stackOptions(process.env, () => {})
const run = `imps-${Date.now().toString(36)}`
const COLLECTION = 'docs'
const col = opts.registry.collections[COLLECTION]!
const dir = mkdtempSync(join(tmpdir(), 'vecpods-import-stats-'))
const unit = (i: number) => Array.from({ length: col.dims }, (_, d) => (d === i % col.dims ? 1 : 0.001 * ((i + d) % 11)))
const podUrl = async () => (await stackEndpoints(opts)).find((e) => e.project === col.pod)!.dbUrl

afterAll(async () => {
  const sql = adminSql(await podUrl())
  await sql`delete from vecs.docs where metadata @> ${sql.json({ run })}`
  await sql.end()
})

describe('the importer keeps BM25 statistics current', () => {
  it('after new rows and rows that replace existing ones', async () => {
    const dbUrl = await podUrl()
    const sql = adminSql(dbUrl)
    try {
      const [{ model }] = (await sql`select model from vecpods.collections where name = ${COLLECTION}`) as unknown as [{ model: string }]
      const line = (i: number, text: string) => JSON.stringify({ id: `${run}-${i}`, vector: unit(i), metadata: { run, text, section: 'import' } })
      const first = join(dir, 'first.ndjson')
      writeFileSync(first, `${Array.from({ length: 60 }, (_, i) => line(i, `capybara import number ${i}`)).join('\n')}\n`)
      await importFile({ file: first, collection: COLLECTION, col, dbUrl, model, batchSize: 25, rebuildIndex: 'never' })
      const second = join(dir, 'second.ndjson')
      writeFileSync(second, `${Array.from({ length: 30 }, (_, i) => line(i * 2, `axolotl replaced ${i}`)).join('\n')}\n`)
      await importFile({ file: second, collection: COLLECTION, col, dbUrl, model, batchSize: 10, rebuildIndex: 'never' })

      const read = async () => {
        const [stats] = await sql`select docs::int, tokens::int from vecpods.text_stats where collection = ${COLLECTION}`
        const terms = await sql`select lexeme, df::int from vecpods.text_terms where collection = ${COLLECTION} order by lexeme collate "C"`
        return { stats, terms: terms.map((t) => `${t.lexeme}:${t.df}`) }
      }
      const kept = await read()
      expect(kept.terms).toContain('capybara:30')
      expect(kept.terms).toContain('axolotl:30')
      await sql`select vecpods.refresh_text_stats(${COLLECTION})`
      expect(await read()).toEqual(kept)
    } finally {
      await sql.end()
    }
  })
})
