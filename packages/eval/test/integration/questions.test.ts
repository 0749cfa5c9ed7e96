// The eval's question set is what its figures stand on: each question's split follows the hash
// rule (so nobody moves a question between dev and test), each one's kind follows the
// distinctive-word rule on the pods' own tokens, and every question has relevant rows.
import { stackOptions } from '@vecpods/stack'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadQueries, relevantCount } from '../../src/index.ts'
import { kindOf, splitOf } from '../../src/question-set.ts'
import { seededPods } from '../seeded.ts'

const opts = stackOptions(process.env, () => {})
const queries = loadQueries()
let pods: Awaited<ReturnType<typeof seededPods>>

beforeAll(async () => {
  pods = await seededPods(opts, ['docs', 'posts', 'api'])
}, 180_000)

afterAll(() => pods.end())

describe('the eval questions (packages/eval/queries.json)', () => {
  it('are at least 200 written this round, 60% or more of all of them paraphrased, over docs, posts and api', () => {
    expect(queries.filter((q) => q.round === 3).length).toBeGreaterThanOrEqual(200)
    expect(queries.filter((q) => q.kind === 'paraphrase').length / queries.length).toBeGreaterThanOrEqual(0.6)
    for (const collection of ['docs', 'posts', 'api']) {
      expect(queries.filter((q) => q.collection === collection && q.split === 'test').length).toBeGreaterThanOrEqual(30)
    }
    expect(new Set(queries.map((q) => q.q)).size).toBe(queries.length)
  })

  it('each sit in the split their text hashes to (round 2, which was tuned on, in dev)', () => {
    expect(queries.filter((q) => q.split !== splitOf(q)).map((q) => q.q)).toEqual([])
  })

  it('each have relevant rows in the corpus, and the kind the distinctive-word rule gives on the pods', async () => {
    const wrong: string[] = []
    for (const q of queries) {
      if (relevantCount(q, pods.corpus) === 0) wrong.push(`no relevant row: ${q.q}`)
      const { kind, shared } = await kindOf(pods.sqlOf(q.collection), q, pods.corpus)
      if (kind !== q.kind) wrong.push(`${q.q}: recorded ${q.kind}, rule says ${kind} (${shared.join(', ')})`)
    }
    expect(wrong).toEqual([])
  }, 60_000)
})
