export type { ProjectEnvNames } from './env-names.ts'
export { projectEnvNames, replicaEnvName } from './env-names.ts'
export type { RegistryProblem } from './errors.ts'
export { RegistryError } from './errors.ts'
export type { IndexedForm } from './measures.ts'
export { binaryQuantized, distanceOperator, indexedForm, MEASURE_SQL, opclassOf, PGVECTOR_EF_SEARCH, scoreOf, scoreSql, storageType } from './measures.ts'
export type { Overlay } from './overlay.ts'
export { applyOverlay, overlaidCollections, overlaySchema, parseOverlay } from './overlay.ts'
export { collectionEfSearch, collectionsOn, efSearchOf, fdwPods, parseRegistry, parseRegistryText, projectNames } from './parse.ts'
export type { ProjectPorts } from './ports.ts'
export { DEFAULT_PORT_BASE, localPorts, replicaDbPort } from './ports.ts'
export type { Collection, ColumnType, FullText, IndexSpec, Measure, Owner, Pod, PublicLimits, Registry, RegistryInput, Storage } from './schema.ts'
export {
  ACCESS,
  COLUMN_TYPES,
  DEFAULT_EF_SEARCH,
  DEFAULT_FILTER_LIMITS,
  DEFAULT_PUBLIC_LIMITS,
  fullTextFields,
  MAX_INDEXED,
  MAX_INDEXED_DIMS,
  MEASURES,
  ownerClaimOf,
  ownerClaimPath,
  PRIMARY,
  PRIMARY_FORMS,
  QUANTIZATIONS,
  registrySchema,
  STORAGES,
  TRANSPORTS,
} from './schema.ts'
export { COLLECTION_SCHEMA, quoteIdent, vecsTable } from './tables.ts'
