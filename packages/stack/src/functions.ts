import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { writeLexicalModel } from '@vecpods/lexical-model'
import type { StackOptions } from './options.ts'

/** What `ps` shows of the function's command line: how its pid file is checked. */
export const FUNCTIONS_MARKER = 'vector-search/local.ts'

/**
 * The Deno executable the `deno` npm package ships in its platform package. Started directly, not
 * through the package's Node wrapper, so the pid `down` signals is Deno's own.
 */
export function denoBinary(opts: StackOptions): string {
  const require = createRequire(join(opts.root, 'packages', 'edge', 'package.json'))
  const wrapper = dirname(require.resolve('deno/package.json'))
  return join(dirname(require.resolve('@deno/linux-x64-glibc/package.json', { paths: [wrapper] })), 'deno')
}

/**
 * The embedder every edge process of this stack uses (Deno function, Node entry, tests): the
 * generated offline model unless `VECPODS_EMBEDDER` says otherwise, because these machines
 * cannot download gte-small's weights. The function's start writes the model first.
 */
export function embedderEnv(opts: StackOptions): Record<string, string> {
  const choice = process.env.VECPODS_EMBEDDER ?? 'lexical'
  const modelPath = process.env.VECPODS_MODEL_PATH ?? join(opts.stateDir, 'models')
  return choice === 'lexical' || process.env.VECPODS_MODEL_PATH ? { VECPODS_EMBEDDER: choice, VECPODS_MODEL_PATH: modelPath } : { VECPODS_EMBEDDER: choice }
}

/**
 * How to start the vector-search function under Deno: `local.ts`, the deployed entry's app with
 * transformers.js added (this machine has no Supabase runtime and so no built-in gte-small).
 */
export interface FunctionLaunch {
  command: string
  args: string[]
  env: NodeJS.ProcessEnv
}

/**
 * Prepares the function's start: writes the offline model when it is the embedder, fetches the
 * function's npm dependencies into the stack's `DENO_DIR` (so the health wait is not a download),
 * and returns the command that serves it on `port`.
 */
export async function prepareFunction(opts: StackOptions, env: Record<string, string>, port: number): Promise<FunctionLaunch> {
  const fnDir = join(opts.root, 'supabase', 'functions', 'vector-search')
  if (env.VECPODS_EMBEDDER === 'lexical') {
    const model = await writeLexicalModel(env.VECPODS_MODEL_PATH!)
    if (model.written) opts.log(`  functions  generated the offline lexical model ${model.id} (${model.vocabSize} tokens)`)
  }
  const denoEnv = { ...process.env, ...env, PORT: String(port), DENO_DIR: join(opts.stateDir, 'deno'), NO_COLOR: '1' }
  const config = ['--config', join(fnDir, 'deno.json')]
  const entry = join(fnDir, 'local.ts')
  if (!existsSync(denoEnv.DENO_DIR)) opts.log(`  functions  fetching the function's npm dependencies into ${denoEnv.DENO_DIR} (first run only)`)
  const deno = denoBinary(opts)
  const cached = spawnSync(deno, ['install', ...config, '--entrypoint', entry], {
    cwd: opts.root,
    env: denoEnv,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  })
  if (cached.status !== 0) throw new Error(`deno could not fetch the function's dependencies:\n${cached.stderr}`)
  // --allow-ffi: onnxruntime-node's addon, which transformers.js uses outside Supabase Edge Runtime.
  return { command: deno, args: ['run', ...config, '--allow-net', '--allow-env', '--allow-read', '--allow-ffi', entry], env: denoEnv }
}
