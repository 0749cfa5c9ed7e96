import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { isOfflineChoice, modelCacheDir, writeLexicalModel, writeStaticModel } from '@vecpods/offline-models'
import { type StackOptions, shownPath } from './options.ts'

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
 * generated offline static word-vector model unless `VECPODS_EMBEDDER` says otherwise (`lexical`
 * for the bag-of-words one), because these machines cannot download gte-small's weights. The
 * function's start writes the model first.
 */
export function embedderEnv(opts: StackOptions, env: Record<string, string | undefined> = process.env): Record<string, string> {
  const choice = env.VECPODS_EMBEDDER ?? 'static'
  const modelPath = env.VECPODS_MODEL_PATH ?? join(opts.stateDir, 'models')
  return isOfflineChoice(choice) || env.VECPODS_MODEL_PATH ? { VECPODS_EMBEDDER: choice, VECPODS_MODEL_PATH: modelPath } : { VECPODS_EMBEDDER: choice }
}

/** Writes the generated offline model an embedder choice needs, unless an up-to-date copy is there. */
export async function writeOfflineModel(env: Record<string, string>, log: (line: string) => void): Promise<void> {
  const choice = env.VECPODS_EMBEDDER
  if (!isOfflineChoice(choice)) return
  const started = performance.now()
  const cache = modelCacheDir()
  const model = await (choice === 'static' ? writeStaticModel(env.VECPODS_MODEL_PATH!, undefined, cache) : writeLexicalModel(env.VECPODS_MODEL_PATH!, cache))
  if (model.written) {
    const mb = (model.bytes / 1024 / 1024).toFixed(1)
    const how = model.fromCache ? `copied from ${cache}` : 'generated'
    log(
      `  functions  ${how} the offline ${choice} model ${model.id} (${model.vocabSize} tokens, ${mb} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    )
  }
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
  await writeOfflineModel(env, opts.log)
  const denoEnv = { ...process.env, ...env, PORT: String(port), DENO_DIR: join(opts.stateDir, 'deno'), NO_COLOR: '1' }
  const config = ['--config', join(fnDir, 'deno.json')]
  const entry = join(fnDir, 'local.ts')
  if (!existsSync(denoEnv.DENO_DIR))
    opts.log(`  functions  fetching the function's npm dependencies into ${shownPath(opts, denoEnv.DENO_DIR)} (first run only)`)
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
