// Type-checked by tsc --strict under moduleResolution nodenext and bundler, skipLibCheck off.
import { FUSION_DEFAULTS, type SearchRequest } from '@vecpods/protocol'
import { createVectorClient, type FunctionsClient, isVecpodsError, type VecpodsError } from '@vecpods/sdk'

type Collections = { docs: { url: string; package: string; version: string; section: string } }

export async function firstUrl(url: string, key: string): Promise<string | undefined> {
  const vecpods = createVectorClient<Collections>({ url, key })
  const { data, error } = await vecpods.search('read a file', {
    collection: 'docs',
    mode: 'hybrid',
    hybrid: { method: FUSION_DEFAULTS.method },
    filters: { package: { $eq: 'node' } },
  })
  if (error) return reportError(error)
  return data[0]?.metadata?.url
}

function reportError(error: VecpodsError): undefined {
  if (isVecpodsError(error)) console.warn(error.code, error.status)
  return undefined
}

export const request: SearchRequest = { collection: 'docs', query: 'read a file', limit: 5 }
export type Invoker = FunctionsClient['functions']['invoke']
