import { resolve } from 'node:path'
import { defineConfig } from 'vite'

const repo = resolve(import.meta.dirname, '../..')

// VITE_SUPABASE_URL and VITE_SUPABASE_ANON_KEY come from the repository's .env.local, which
// `pnpm stack up` writes (only the primary's public URL and anon key reach the browser).
export default defineConfig({
  envDir: '../..',
  build: { target: 'es2022' },
  server: {
    fs: {
      // The dev server serves the app and what it imports, nothing else of the checkout: not the
      // stack's secrets (.vecpods/: JWT secrets, database passwords, service_role keys), not .env files.
      strict: true,
      allow: [
        import.meta.dirname,
        resolve(repo, 'packages/sdk/src'),
        resolve(repo, 'packages/protocol/src'),
        resolve(repo, 'vecpods.types.ts'),
        resolve(repo, 'node_modules'),
      ],
      deny: ['.env', '.env.*', '**/.vecpods/**', '*.{crt,pem,key,conf}', '**/.git/**'],
    },
  },
})
