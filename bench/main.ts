// npm run bench [-- --json] [-- --only latency,cpu] [-- --seed 42]: token requests saved by the
// cache, single-flight, the cost of one call against bare undici and bare axios (latency,
// throughput at concurrency 50, CPU time), and heap growth. See scenarios.ts for each
// measurement, contenders.ts for what is compared and serverProcess.ts for why the servers run
// in a child process. `--only` runs some scenarios (e.g. under `node --cpu-prof`).

import { parseArgs } from 'node:util'
import { createContenders, type Contenders } from './contenders'
import {
  environment,
  loadAverage,
  resultTable,
  targets,
  targetsMet,
  type Details,
  type Results,
} from './report'
import { seededRandom } from './measure'
import {
  cpuPerCall,
  heapGrowth,
  latency,
  sameRequests,
  singleFlight,
  throughput,
  tokenRequestsPerMode,
  type Context,
} from './scenarios'
import { startServers } from './serverProcess'
import { allowLoopbackUnlessSet } from '../servers/allowLoopback'

const SCENARIOS = ['tokens', 'singleFlight', 'latency', 'throughput', 'cpu', 'heap'] as const
type Scenario = (typeof SCENARIOS)[number]

const options = (() => {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      only: { type: 'string' },
      seed: { type: 'string' },
    },
  })
  const only = values.only?.split(',').map((name) => name.trim()) ?? [...SCENARIOS]
  const unknown = only.filter((name) => !(SCENARIOS as readonly string[]).includes(name))
  if (unknown.length > 0) {
    throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}`)
  }
  const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31
  if (!Number.isSafeInteger(seed)) throw new Error('--seed takes an integer')
  return { json: values.json, only: new Set(only as Scenario[]), seed }
})()

// Progress goes to stderr, so that stdout holds only the table or the JSON object.
const progress = (message: string) => process.stderr.write(`${message}\n`)

const main = async (): Promise<void> => {
  const opened = allowLoopbackUnlessSet()
  if (opened !== undefined) progress(opened)
  const loadAtStart = loadAverage()
  const servers = await startServers()
  const ctx: Context = {
    servers,
    progress,
    random: seededRandom(options.seed),
    settings: {
      tokenUrl: servers.tokenUrl,
      clientId: 'bench-client',
      clientSecret: 'bench-secret-4a7f0c2e9b',
      apiBaseUrl: servers.apiBaseUrl,
      scope: 'system/Patient.rs',
    },
  }
  let contenders: Contenders | undefined
  try {
    const run = options.only
    const details: Details = { contenders: {}, leftOut: {} }
    if (run.has('tokens')) {
      progress('token requests: 1,000 care-flow runs, forceRefresh vs cached…')
      details.tokens = await tokenRequestsPerMode(ctx)
    }
    if (run.has('singleFlight')) {
      progress('single-flight: 500 concurrent runs on a cold cache…')
      details.singleFlight = await singleFlight(ctx)
    }
    // After the scenarios that clear the token cache: from here on the one-step contender sends
    // the token the others were given.
    contenders = await createContenders(ctx)
    details.contenders = Object.fromEntries(contenders.list.map((c) => [c.key, c.label]))
    details.leftOut = contenders.skipped
    if (run.has('latency')) {
      progress(`latency: ${contenders.list.map((c) => c.key).join(', ')}, shuffled per round…`)
      details.latency = await latency(ctx, contenders)
      details.sameRequests = await sameRequests(ctx, contenders)
    }
    if (run.has('throughput')) {
      progress('throughput: concurrency 50…')
      details.throughput = await throughput(ctx, contenders, ['undici', 'oneStep', 'twoStep'])
    }
    if (run.has('cpu')) {
      progress('CPU time per call…')
      details.cpu = await cpuPerCall(ctx, contenders)
    }
    // The heap scenario clears the token cache: it comes last.
    if (run.has('heap')) {
      progress('heap: 100,000 runs over 1,000 clients…')
      details.heap = await heapGrowth(ctx)
    }
    const results = headlineFigures(details)
    const met = targetsMet(results)
    const env = environment(loadAtStart, options.seed)
    if (options.json) {
      const output = { ...results, targets, targetsMet: met, details, environment: env }
      process.stdout.write(`${JSON.stringify(output, null, 2)}\n`)
    } else {
      process.stdout.write(`${resultTable(results, met, details, env)}\n`)
    }
    const missed = Object.entries(met).filter(([, ok]) => !ok)
    if (missed.length > 0) progress(`targets missed: ${missed.map(([key]) => key).join(', ')}`)
    if (details.sameRequests?.same === false) {
      progress('the contenders did not send the same request as bare undici: see sameRequests')
    }
  } finally {
    await contenders?.close()
    await servers.stop()
  }
}

/** The top-level JSON keys, from the scenarios that ran. */
const headlineFigures = (details: Details): Results => {
  const { tokens, singleFlight: flight, latency: lat, throughput: through, cpu, heap } = details
  return {
    tokenRequestsNaive: tokens?.naive,
    tokenRequestsCached: tokens?.cached,
    singleFlightTokenRequests: flight?.requests,
    overheadRatio: lat?.perContender.oneStep?.toAxios.median,
    ratioToUndici: lat?.perContender.oneStep?.toUndici.median,
    twoStepRatioToUndici: lat?.perContender.twoStep?.toUndici.median,
    graphqlRatioToUndici: lat?.perContender.graphql?.toUndici.median,
    throughputPerSec: through?.perContender.oneStep?.perSec.median,
    throughputRatioToUndici: through?.perContender.oneStep?.toUndici.median,
    cpuUsPerCall: cpu?.perContender.oneStep?.cpuUsPerCall.median,
    cpuRatioToUndici: cpu?.perContender.oneStep?.toUndici.median,
    heapGrowthMB: heap?.growthMB,
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
