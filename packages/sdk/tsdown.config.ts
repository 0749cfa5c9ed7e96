import { defineConfig } from 'tsdown'

// The published package: ESM and CommonJS with declarations for each, built from src/.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  platform: 'neutral',
  target: 'es2022',
  dts: true,
  clean: true,
  outDir: 'dist',
})
