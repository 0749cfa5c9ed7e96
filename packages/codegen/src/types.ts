import type { ColumnType, Registry } from '@vecpods/registry'
import { GENERATED_MARK } from './layout.ts'

const TS_TYPE: Record<ColumnType, string> = { text: 'string', number: 'number', boolean: 'boolean', jsonb: 'unknown' }

/**
 * `vecpods.types.ts`: each collection's metadata type from its registry columns, for
 * `createVectorClient<VecpodsCollections>()` — filters and hits are then checked by the compiler.
 */
export function collectionTypes(registry: Registry): string {
  const entries = Object.entries(registry.collections).map(([name, col]) => {
    const fields = Object.entries(col.columns).map(([field, type]) => `    ${JSON.stringify(field)}?: ${TS_TYPE[type]}`)
    const access =
      col.access === 'service' ? ' (service_role only)' : col.owner ? ` (rows owned by the \`${col.owner.claim}\` claim, in \`${col.owner.column}\`)` : ''
    return `  /** On ${col.pod}, ${col.measure}${access}. */\n  ${JSON.stringify(name)}: {\n${fields.join('\n')}${fields.length ? '\n' : ''}  }`
  })
  return `// ${GENERATED_MARK}: metadata types of the collections.
// Do not edit: change the registry (columns) and run \`pnpm gen\`.

export type VecpodsCollections = {
${entries.join('\n')}
}
`
}
