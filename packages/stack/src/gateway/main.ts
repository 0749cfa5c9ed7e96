import { readFileSync } from 'node:fs'
import { type GatewaySite, serveGateway } from './proxy.ts'

// Entry of the gateway process the stack starts: `main.ts <sites.json>`.
const file = process.argv[2]
if (!file) throw new Error('usage: gateway/main.ts <sites.json>')
const sites = JSON.parse(readFileSync(file, 'utf8')) as GatewaySite[]
const servers = await serveGateway(sites)
console.log(`gateway: ${sites.map((s) => `${s.project} on :${s.port}`).join(', ')}`)
const stop = () => {
  for (const server of servers) server.close()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
