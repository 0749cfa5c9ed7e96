import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { loadRegistry, loadRegistryWithOverlays, repoRoot } from '@vecpods/registry/node'
import { describe, expect, it } from 'vitest'
import { generate, overlayMigrations, projectMigrations } from './generate.ts'
import { OVERLAY_EPOCH } from './layout.ts'

const BENCH = join(repoRoot, 'packages', 'bench', 'bench.registry.json')
const shipped = loadRegistry()
const merged = loadRegistryWithOverlays(join(repoRoot, 'vecpods.config.json'), [BENCH])

/** Every file under a directory, relative paths. */
const walk = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' })

describe('the benchmark overlay', () => {
  it('keeps the shipped registry, its generated files and supabase/ free of benchmark collections', () => {
    expect(Object.keys(shipped.collections).filter((n) => n.startsWith('bench'))).toEqual([])
    expect(generate(shipped).filter((f) => /bench/.test(f.path) || /bench_/.test(f.content))).toEqual([])
    expect(walk(join(repoRoot, 'supabase')).filter((p) => p.includes('bench'))).toEqual([])
  })

  it('adds its collections after the shipped ones, and generates them only as overlay migrations', () => {
    expect(Object.keys(merged.collections)).toEqual([
      ...Object.keys(shipped.collections),
      'bench_a',
      'bench_b',
      'bench_c',
      'bench_glove',
      'move_probe',
      'move_owned',
      'bench_tenants',
      'quant_half_a',
      'quant_bin_b',
      'quant_half_c',
      'quant_bin_c',
    ])
    const podA = overlayMigrations(shipped, merged, 'pod_a').map((f) => f.path)
    expect(podA).toEqual([`${OVERLAY_EPOCH + 100}_create_collection_bench_a.sql`, `${OVERLAY_EPOCH + 800}_create_collection_quant_half_a.sql`])
    const primary = overlayMigrations(shipped, merged, 'primary').map((f) => f.path)
    expect(primary).toEqual([
      `${OVERLAY_EPOCH + 100}_foreign_table_bench_a.sql`,
      `${OVERLAY_EPOCH + 200}_foreign_table_bench_b.sql`,
      `${OVERLAY_EPOCH + 300}_foreign_table_bench_c.sql`,
      `${OVERLAY_EPOCH + 500}_foreign_table_move_probe.sql`,
      `${OVERLAY_EPOCH + 600}_foreign_table_move_owned.sql`,
      ...['quant_half_a', 'quant_bin_b', 'quant_half_c', 'quant_bin_c'].map((name, i) => `${OVERLAY_EPOCH + 800 + 100 * i}_foreign_table_${name}.sql`),
    ])
    // The shipped migrations of a project do not change with the overlay applied.
    const shippedVersions = projectMigrations(shipped, 'pod_a').map((f) => Number(f.path.match(/(\d{14})_/)![1]))
    expect(Math.max(...shippedVersions)).toBeLessThan(OVERLAY_EPOCH)
    expect(overlayMigrations(shipped, shipped, 'pod_a')).toEqual([])
  })
})
