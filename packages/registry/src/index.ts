export {
  ACCESS,
  COLUMN_TYPES,
  DEFAULT_EF_SEARCH,
  MAX_INDEXED_DIMS,
  MEASURES,
  PRIMARY,
  PRIMARY_FORMS,
  TRANSPORTS,
  registrySchema,
} from './schema.ts'
export type { Collection, ColumnType, IndexSpec, Measure, Pod, Registry, RegistryInput } from './schema.ts'
export { RegistryError } from './errors.ts'
export type { RegistryProblem } from './errors.ts'
export { collectionsOn, efSearchOf, parseRegistry, parseRegistryText, projectNames } from './parse.ts'
export { projectEnvNames } from './env-names.ts'
export { MEASURE_SQL, PGVECTOR_EF_SEARCH, distanceOperator, opclassOf, scoreOf, scoreSql } from './measures.ts'
export { DEFAULT_PORT_BASE, localPorts } from './ports.ts'
export type { ProjectPorts } from './ports.ts'
export type { ProjectEnvNames } from './env-names.ts'
