// npm run bench [-- --json]: token requests saved by the cache, single-flight, the extension's
// overhead over a bare axios call, throughput and heap growth. See scenarios.ts for each
// measurement and serverProcess.ts for why the servers run in a child process.

import { globalAgent, type Agent } from 'node:http'
import { environment, loadAverage, resultTable, targets, targetsMet, type Results } from './report'
import { heapGrowth, overhead, singleFlight, throughput, tokenRequestsPerMode } from './scenarios'
import { startServers } from './serverProcess'

const json = process.argv.includes('--json')
// Progress goes to stderr, so that stdout holds only the table or the JSON object.
const progress = (message: string) => process.stderr.write(`${message}\n`)

const main = async (): Promise<void> => {
  const loadAtStart = loadAverage()
  // The extension (axios) and the bare axios baseline both use the default global agent, which
  // keeps connections alive on Node 20: checked here rather than assumed.
  const { keepAlive } = (globalAgent as Agent & { options: { keepAlive?: boolean } }).options
  progress(`global http agent keepAlive: ${keepAlive === true}`)

  const servers = await startServers()
  try {
    const ctx = {
      servers,
      progress,
      settings: {
        tokenUrl: servers.tokenUrl,
        clientId: 'bench-client',
        clientSecret: 'bench-secret-4a7f0c2e9b',
        apiBaseUrl: servers.apiBaseUrl,
        scope: 'system/Patient.rs',
      },
    }
    progress('token requests: 1,000 care-flow runs, forceRefresh vs cached…')
    const tokens = await tokenRequestsPerMode(ctx)
    progress('single-flight: 500 concurrent runs on a cold cache…')
    const flight = await singleFlight(ctx)
    progress('overhead: authenticatedApiCall vs bare axios GET, alternated call by call…')
    const over = await overhead(ctx)
    progress('throughput: concurrency 50…')
    const oneStep = await throughput(ctx, 'one-step')
    const twoStep = await throughput(ctx, 'two-step')
    progress('heap: 100,000 runs over 1,000 clients…')
    const heap = await heapGrowth(ctx)

    const results: Results = {
      tokenRequestsNaive: tokens.naive,
      tokenRequestsCached: tokens.cached,
      singleFlightTokenRequests: flight.requests,
      overheadRatio: over.ratio,
      throughputPerSec: oneStep.perSec,
      heapGrowthMB: heap.growthMB,
    }
    const met = targetsMet(results)
    const details = {
      tokens,
      singleFlight: flight,
      overhead: over,
      throughput: { oneStep, twoStep },
      heap,
    }
    const env = environment(loadAtStart)
    if (json) {
      const output = { ...results, targets, targetsMet: met, details, environment: env }
      process.stdout.write(`${JSON.stringify(output, null, 2)}\n`)
    } else {
      process.stdout.write(`${resultTable(results, met, details, env)}\n`)
    }
    const missed = Object.entries(met).filter(([, ok]) => !ok)
    if (missed.length > 0) progress(`targets missed: ${missed.map(([key]) => key).join(', ')}`)
  } finally {
    await servers.stop()
    globalAgent.destroy()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
