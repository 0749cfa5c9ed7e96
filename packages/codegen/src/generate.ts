import { efSearchOf, localPorts, overlaidCollections, PRIMARY, projectNames, type Registry, registrySchema } from '@vecpods/registry'
import { z } from 'zod'
import { GENERATED_MARK, migrationsDir, migrationVersion, overlayVersion, projectDir } from './layout.ts'
import { collectionSql } from './sql/collection.ts'
import { fdwSetupSql, foreignTableSql } from './sql/foreign-table.ts'
import { podRestSetupSql, setupSql } from './sql/setup.ts'
import { collectionTypes } from './types.ts'

/** One generated file, its path relative to the repository root. */
export interface GeneratedFile {
  path: string
  content: string
}

const sqlHeader = (what: string) => `-- ${GENERATED_MARK}: ${what}.\n-- Do not edit: change the registry and run \`pnpm gen\`.\n\n`

/** The migrations of one project (the primary or a pod), in the order they apply. */
export function projectMigrations(registry: Registry, project: string): GeneratedFile[] {
  const dir = migrationsDir(project)
  const epoch = registry.migrations ? Number(registry.migrations.epoch) : undefined
  const setup = {
    path: `${dir}/${migrationVersion(0, epoch)}_vecpods_setup.sql`,
    content:
      sqlHeader(`pgvector, schemas and the collection catalog of "${project}"`) +
      setupSql(efSearchOf(registry, project)) +
      (project === PRIMARY ? (usesForeignTables(registry) ? fdwSetupSql() : '') : podRestSetupSql()),
  }
  // Collection steps follow the registry's order of all collections, so adding a collection at the
  // end of the file never renumbers the migrations of collections already deployed.
  const all = Object.keys(registry.collections)
  return [setup, ...collectionMigrations(registry, project, all, (name) => `${dir}/${migrationVersion(1 + all.indexOf(name), epoch)}`)]
}

/**
 * The migrations an overlay adds to one project: its collections (and, on the primary, their
 * foreign tables), numbered from `OVERLAY_EPOCH` so they never take a shipped migration's version.
 * They live outside the repository (the local stack writes them under its state directory).
 */
export function overlayMigrations(base: Registry, merged: Registry, project: string): GeneratedFile[] {
  const added = overlaidCollections(base, merged)
  const files =
    project === PRIMARY && usesForeignTables(merged) && !usesForeignTables(base)
      ? [{ path: `${overlayVersion(0)}_vecpods_fdw_setup.sql`, content: sqlHeader("postgres_fdw for the overlay's collections") + fdwSetupSql() }]
      : []
  return [...files, ...collectionMigrations(merged, project, added, (name) => overlayVersion(1 + added.indexOf(name)))]
}

/** A project's files for the given collections: tables on their pod, foreign tables on the primary. */
function collectionMigrations(registry: Registry, project: string, names: string[], prefix: (name: string) => string): GeneratedFile[] {
  const files: GeneratedFile[] = []
  for (const name of names) {
    const col = registry.collections[name]!
    if (col.pod === project) {
      files.push({
        path: `${prefix(name)}_create_collection_${name}.sql`,
        content: sqlHeader(`collection "${name}" on "${project}"`) + collectionSql(name, col),
      })
    }
  }
  if (project !== PRIMARY) return files
  // Pod collections seen from the primary through postgres_fdw (collections kept in the primary
  // itself have their views above); numbered by the same registry step as on their pod.
  for (const name of names) {
    const col = registry.collections[name]!
    if (col.pod === PRIMARY || col.onPrimary !== 'foreign_table') continue
    files.push({
      path: `${prefix(name)}_foreign_table_${name}.sql`,
      content: sqlHeader(`collection "${name}" of ${col.pod}, as a foreign table of the primary`) + foreignTableSql(name, col),
    })
  }
  return files
}

function usesForeignTables(registry: Registry): boolean {
  return Object.values(registry.collections).some((c) => c.pod !== PRIMARY && c.onPrimary === 'foreign_table')
}

/** `config.toml` for one project, with the ports the local stack uses for it. */
export function projectConfigToml(registry: Registry, project: string): string {
  const ports = localPorts(registry).get(project)!
  const id = project === PRIMARY ? 'vecpods' : `vecpods-${project.replaceAll('_', '-')}`
  const offset = ports.api - 54321
  return `# ${GENERATED_MARK}: Supabase CLI settings of project "${project}".
# Do not edit: change the registry and run \`pnpm gen\`.
project_id = "${id}"

[api]
port = ${ports.api}
schemas = ["public", "vecpods"]
extra_search_path = ["public", "extensions"]

[db]
port = ${ports.db}
shadow_port = ${54320 + offset}
major_version = 15

[studio]
port = ${54323 + offset}

[inbucket]
port = ${54324 + offset}

[analytics]
port = ${54327 + offset}
`
}

/** The registry's JSON Schema, for editors (`"$schema"` in vecpods.config.json). */
export function registryJsonSchema(): string {
  const schema = z.toJSONSchema(registrySchema, { io: 'input', unrepresentable: 'any' })
  return `${JSON.stringify({ ...schema, title: 'vecpods registry (vecpods.config.json)' }, null, 2)}\n`
}

/** Every file derived from the registry. */
export function generate(registry: Registry): GeneratedFile[] {
  const files: GeneratedFile[] = [
    { path: 'vecpods.config.schema.json', content: registryJsonSchema() },
    { path: 'vecpods.types.ts', content: collectionTypes(registry) },
  ]
  for (const project of projectNames(registry)) {
    files.push({ path: `${projectDir(project)}/config.toml`, content: projectConfigToml(registry, project) })
    files.push(...projectMigrations(registry, project))
  }
  return files
}
