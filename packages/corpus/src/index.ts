export { buildCorpus, type Chunk, CORPUS_PACKAGES, corpusPackages, installedPackages } from './build.ts'
export { docComments } from './jsdoc.ts'
export { pieces, plain, sections, slug } from './markdown.ts'
export { fingerprint, SEED_MARK, type SeedRecord, type SyncOptions, type SyncReport, syncCorpus } from './sync.ts'
