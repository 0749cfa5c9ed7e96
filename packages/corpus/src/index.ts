export { buildCorpus, installedPackages, type Chunk } from './build.ts'
export { fingerprint, syncCorpus, type SyncReport } from './sync.ts'
export { docComments } from './jsdoc.ts'
export { pieces, plain, sections, slug } from './markdown.ts'
