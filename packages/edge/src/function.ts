// What the deployed vector-search function needs, and nothing local-only: the app, the config
// reader and the warm-up. Importing this (not the package root, which also exports the
// transformers.js embedder) keeps the function's bundle within Supabase's 20 MB.
export type { AppOptions } from './app.ts'
export { createApp } from './app.ts'
export type { EdgeConfig, Env } from './config.ts'
export { loadConfig, warmUp } from './config.ts'
