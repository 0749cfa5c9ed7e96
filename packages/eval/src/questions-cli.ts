#!/usr/bin/env -S npx tsx
// `pnpm eval:questions [--write]`: checks (or, with --write, fills in) each question's split and
// kind in packages/eval/queries.json against the rule that defines it: the split from the
// question's hash (round 2 always dev), the kind from the words it shares with its relevant rows
// on the running stack. Prints the counts per collection, split and kind.
import { readFileSync, writeFileSync } from 'node:fs'
import { buildCorpus } from '@vecpods/corpus'
import { formatJson, repoRoot } from '@vecpods/registry/node'
import { adminSql, stackEnvironment, stackOptions } from '@vecpods/stack'
import { Command } from 'commander'
import { type EvalQuery, loadQueries, QUERY_FILE, relevantCount } from './queries.ts'
import { kindOf, splitOf } from './question-set.ts'

new Command('vecpods-eval-questions')
  .description("Checks or fills in the eval questions' split (hash of the text) and kind (keyword or paraphrase)")
  .option('--write', 'fill in and rewrite the file instead of checking it')
  .action(async (flags: { write?: boolean }) => {
    const opts = stackOptions(process.env, () => {})
    const env = await stackEnvironment(opts)
    const corpus = buildCorpus(repoRoot)
    const raw = JSON.parse(readFileSync(QUERY_FILE, 'utf8')) as { queries: Array<Partial<EvalQuery> & Pick<EvalQuery, 'q' | 'collection' | 'relevant'>> }
    const pods = new Map<string, ReturnType<typeof adminSql>>()
    const sqlOf = (collection: string) => {
      const pod = opts.registry.collections[collection]!.pod
      if (!pods.has(pod)) pods.set(pod, adminSql(env[`VECPODS_${pod.toUpperCase()}_DB_URL`]!))
      return pods.get(pod)!
    }
    const problems: string[] = []
    try {
      for (const q of raw.queries) {
        const round = q.round ?? 3
        if (relevantCount(q as EvalQuery, corpus) === 0) problems.push(`no relevant row: ${q.q}`)
        const split = splitOf({ q: q.q, round })
        const { kind } = await kindOf(sqlOf(q.collection), { ...q, round } as EvalQuery, corpus)
        if (flags.write) Object.assign(q, { split, kind, round })
        else if (q.split !== split || q.kind !== kind) problems.push(`${q.q}: recorded ${q.split}/${q.kind}, rule says ${split}/${kind}`)
      }
    } finally {
      await Promise.all([...pods.values()].map((sql) => sql.end()))
    }
    if (flags.write) writeFileSync(QUERY_FILE, `${formatJson(raw)}\n`)
    const queries = loadQueries()
    const counts = new Map<string, number>()
    for (const q of queries) for (const key of [`${q.collection} ${q.split} ${q.kind}`, `all ${q.split} ${q.kind}`]) counts.set(key, (counts.get(key) ?? 0) + 1)
    for (const [key, n] of [...counts].sort()) console.log(`  ${key.padEnd(28)} ${n}`)
    if (problems.length) {
      console.error(problems.join('\n'))
      process.exitCode = 1
    }
  })
  .parseAsync()
