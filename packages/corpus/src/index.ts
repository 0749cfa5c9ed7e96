export { buildCorpus, type Chunk, CORPUS_PACKAGES, corpusPackages, installedPackages, installedVersions } from './build.ts'
export { docComments } from './jsdoc.ts'
export { pieces, plain, sections, slug } from './markdown.ts'
export { fingerprint, SEED_MARK, type SeedRecord, type SyncOptions, type SyncReport, syncCorpus } from './sync.ts'
