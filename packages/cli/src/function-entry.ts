// The vector-search function's code as `vecpods init` vendors it into a project
// (supabase/functions/vector-search/vecpods-edge.js): the deployed app and the registry parser,
// with vecpods' own packages inlined and third-party ones left as imports for the function's deno.json.
export { createApp, loadConfig, warmUp } from '@vecpods/edge/function'
export { parseRegistry } from '@vecpods/registry'
