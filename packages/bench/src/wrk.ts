import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** One latency figure of a neutral load generator. */
export interface Figure {
  path: string
  tool: string
  requests: number
  p50: number
  p99: number
  mean: number
}

/** One request wrk sends: a JSON body, and headers of its own on top of the run's. */
export interface WrkRequest {
  body: object
  headers?: Record<string, string>
}

/**
 * wrk at concurrency 1 (one thread, one connection) or `connections`, for `seconds`, POSTing the requests in turn;
 * latencies as wrk measures them. Any non-2xx answer or socket error fails the run.
 */
export function wrkRun(p: {
  label: string
  url: string
  headers: Record<string, string>
  requests: WrkRequest[]
  seconds: number
  dir: string
  /** Open connections (default 1), on as many threads up to 2. */
  connections?: number
}): Figure {
  const connections = p.connections ?? 1
  const threads = Math.min(connections, 2)
  const lua = join(p.dir, `${p.label.replace(/\W+/g, '-')}.lua`)
  const quoted = (x: string) => JSON.stringify(x)
  const requests = p.requests.map(
    (r) =>
      `{ body = ${quoted(JSON.stringify(r.body))}, headers = { ${Object.entries(r.headers ?? {})
        .map(([k, v]) => `[${quoted(k)}] = ${quoted(v)}`)
        .join(', ')} } }`,
  )
  writeFileSync(
    lua,
    `local requests = {${requests.join(',\n')}}
local i = 0
wrk.method = "POST"
${Object.entries({ ...p.headers, 'content-type': 'application/json' })
  .map(([k, v]) => `wrk.headers[${quoted(k)}] = ${quoted(v)}`)
  .join('\n')}
request = function()
  i = i % #requests + 1
  local r = requests[i]
  local headers = {}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  for k, v in pairs(r.headers) do headers[k] = v end
  return wrk.format(nil, nil, headers, r.body)
end
done = function(summary, latency, requests)
  io.write(string.format("VECPODS %d %d %.3f %.3f %.3f\\n", summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.mean / 1000))
end
`,
  )
  const run = spawnSync('wrk', [`-t${threads}`, `-c${connections}`, `-d${p.seconds}s`, '-s', lua, p.url], { encoding: 'utf8' })
  if (run.status !== 0) throw new Error(`wrk: ${run.stderr}`)
  const [, requestCount, errors, p50, p99, mean] = /VECPODS (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)/.exec(run.stdout)!.map(Number)
  if (errors) throw new Error(`wrk: ${errors} errors on ${p.url} (${p.label})`)
  return { path: p.label, tool: `wrk -t${threads} -c${connections}`, requests: requestCount!, p50: p50!, p99: p99!, mean: mean! }
}
