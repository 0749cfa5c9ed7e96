export { APPS_DIR, type AppSpec, createApp, exec, npm } from './app.ts'
export { NODE_LINES, nodeBinaries } from './node-versions.ts'
export { PUBLISHED, packPublished } from './pack.ts'
export { freePort, waitFor } from './serve.ts'
