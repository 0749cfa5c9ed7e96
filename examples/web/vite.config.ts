import { defineConfig } from 'vite'

// VITE_SUPABASE_URL and VITE_SUPABASE_ANON_KEY come from the repository's .env.local, which
// `pnpm stack up` writes (only the primary's public URL and anon key reach the browser).
export default defineConfig({
  envDir: '../..',
  build: { target: 'es2022' },
})
