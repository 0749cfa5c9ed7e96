import type { z } from 'zod'

/** One problem in the registry, located by a dotted path such as `collections.docs.pod`. */
export interface RegistryProblem {
  path: string
  message: string
}

/** Thrown when the registry file is missing, not JSON, or fails validation. */
export class RegistryError extends Error {
  readonly code = 'invalid_registry'
  constructor(
    readonly source: string,
    readonly problems: RegistryProblem[],
  ) {
    super(`${source} is not a valid vecpods registry:\n${problems.map((p) => `  - ${p.path || '(root)'}: ${p.message}`).join('\n')}`)
    this.name = 'RegistryError'
  }
}

export function problemsFromZod(error: z.ZodError): RegistryProblem[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }))
}
