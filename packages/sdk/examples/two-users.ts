// Two users, one collection of per-user rows (`notes`, registry "access": "owner"): each signs in,
// writes a note with their own token and searches. Each finds only their own notes, through the
// edge function and through the primary (supabase-js `.from('notes')`). The local stack has no
// auth server: it signs each user's token with the project's JWT secret, as Supabase Auth would.
// Run against the local stack: `pnpm --filter @vecpods/sdk example:two-users`.
import { createClient } from '@supabase/supabase-js'
import { signUserToken } from '@vecpods/stack'
import WebSocket from 'ws'
import { createVectorClient } from '../src/index.ts'

const url = process.env.SUPABASE_URL
const anonKey = process.env.SUPABASE_ANON_KEY
const secret = process.env.VECPODS_JWT_SECRET
if (!url || !anonKey || !secret) throw new Error('set SUPABASE_URL, SUPABASE_ANON_KEY and VECPODS_JWT_SECRET (pnpm stack up writes them to .env.local)')

const run = `two-users-${process.pid}`
const users = { ada: 'a note about the compiler', grace: 'a note about the compiler and the navy' }

/** A supabase-js client signed in as one user, and the vecpods client on top of it. */
async function signIn(name: string) {
  const token = await signUserToken(secret!, { sub: `${run}-${name}` }, '10m')
  const supabase = createClient(url!, anonKey!, {
    auth: { persistSession: false, autoRefreshToken: false },
    global: { headers: { Authorization: `Bearer ${token}` } },
    realtime: { transport: WebSocket as never },
  })
  return { supabase, vecpods: createVectorClient({ supabase }).throwOnError() }
}

const clients = Object.fromEntries(await Promise.all(Object.keys(users).map(async (name) => [name, await signIn(name)] as const)))
for (const [name, text] of Object.entries(users)) {
  await clients[name]!.vecpods.upsert('notes', [{ id: `${run}-${name}`, text, metadata: { run, title: `${name}'s note`, text } }])
}
for (const name of Object.keys(users)) {
  const { vecpods, supabase } = clients[name]!
  const { data } = await vecpods.search('compiler', { collection: 'notes', mode: 'text', filters: { run: { $eq: run } } })
  const { data: rows } = await supabase.from('notes').select('id').contains('metadata', { run })
  console.log(
    `${name}: search ${data.map((h) => h.id.replace(`${run}-`, '')).join(', ')}; from('notes') ${(rows ?? []).map((r) => r.id.replace(`${run}-`, '')).join(', ')}`,
  )
}
for (const name of Object.keys(users)) await clients[name]!.vecpods.delete('notes', { ids: [`${run}-${name}`] })
