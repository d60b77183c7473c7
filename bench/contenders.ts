// What the benchmark compares: the same GET of the same FHIR Patient, made by a bare
// `undici.request` (the floor), by bare axios on its own http adapter (what a developer would
// write with the project's HTTP client) and by the extension's actions, as the runtime runs them.
// One entry per contender: a new action to measure is one more entry in `contenders` below.

import { Agent as HttpAgent } from 'node:http'
import axios from 'axios'
import { Agent, request } from 'undici'
import { POOL_OPTIONS } from '../extensions/oauthApi/lib/http/undiciAdapter'
import { clearCaches } from '../extensions/oauthApi/lib/oauth/caches'
import { authenticatedApiCall, completed, fetchOAuthToken, hasAction } from './actions'
import type { Context } from './scenarios'

export type ContenderKey = 'undici' | 'axios' | 'oneStep' | 'twoStep' | 'graphql'

export interface Contender {
  key: ContenderKey
  label: string
  /** One call; rejects unless the API answered 200. */
  call: () => Promise<void>
  /**
   * Whether the API must see exactly the request bare undici sends (method, URL and every
   * header but the connection-management ones), so that the server does the same work for both.
   */
  sameRequestAsUndici: boolean
}

export interface Contenders {
  list: Contender[]
  byKey: (key: ContenderKey) => Contender | undefined
  /** Why an action that exists was left out (its warm-up call failed), if it was. */
  skipped: Partial<Record<ContenderKey, string>>
  close: () => Promise<void>
}

export const PATIENT_PATH = '/Patient/pat-0001'
/** The GraphQL endpoint of the bench API (FHIR's `[base]/$graphql`). */
const GRAPHQL_PATH = '/$graphql'
const GRAPHQL_QUERY = '{ Patient(id: "pat-0001") { id active gender birthDate } }'

const expect200 = (key: string, status: number | string | null | undefined): void => {
  if (String(status) !== '200') throw new Error(`${key}: the API answered ${status}, expected 200`)
}

/**
 * The contenders, with a token from the extension's cache (the one-step contender then reuses
 * it, and the others send it as they would have received it from a previous step).
 */
export const createContenders = async (ctx: Context): Promise<Contenders> => {
  clearCaches()
  const token = await fetchOAuthToken({}, ctx.settings)
  const accessToken = token.accessToken as string
  const url = `${ctx.settings.apiBaseUrl}${PATIENT_PATH}`
  // The headers the extension sends, so that every contender asks the server for the same thing.
  const headers = {
    Accept: 'application/json',
    Authorization: `Bearer ${accessToken}`,
    'Accept-Encoding': 'gzip, deflate, br',
    'User-Agent': `axios/${axios.VERSION}`,
  }
  // A new settings object per run, as the runtime hands each run its own payload (so that no
  // cache keyed on the object itself flatters the figures).
  const settings = () => ({ ...ctx.settings })
  // undici's own keep-alive pool, sized and kept alive as the extension's (POOL_OPTIONS: 32
  // sockets per origin, one request at a time on each, idle sockets closed after 4 s): at
  // concurrency 50 both queue the same way, rather than bare undici opening 50 sockets.
  const undiciAgent = new Agent(POOL_OPTIONS)
  // axios's default (http) adapter on a keep-alive agent with as many sockets per origin.
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: POOL_OPTIONS.connections })
  const bareAxios = axios.create({ adapter: 'http', httpAgent })

  const all: Contender[] = [
    {
      key: 'undici',
      label: 'bare undici.request',
      sameRequestAsUndici: true,
      call: async () => {
        const response = await request(url, { dispatcher: undiciAgent, headers })
        await response.body.json()
        expect200('undici', response.statusCode)
      },
    },
    {
      key: 'axios',
      label: 'bare axios (http adapter, keep-alive)',
      sameRequestAsUndici: true,
      call: async () => expect200('axios', (await bareAxios.get(url, { headers })).status),
    },
    {
      key: 'oneStep',
      label: 'authenticatedApiCall, one-step (cached token)',
      sameRequestAsUndici: true,
      call: async () => {
        const dataPoints = await authenticatedApiCall({ path: PATIENT_PATH }, settings())
        expect200('oneStep', dataPoints.statusCode)
      },
    },
    {
      key: 'twoStep',
      label: 'authenticatedApiCall, two-step (token handed in)',
      sameRequestAsUndici: true,
      call: async () => {
        const fields = { accessToken, tokenExpiresAt: token.expiresAt, path: PATIENT_PATH }
        expect200('twoStep', (await authenticatedApiCall(fields, settings())).statusCode)
      },
    },
    // Issue 11's GraphQL action, measured once the registry has it: a POST of a query to the
    // bench API's $graphql endpoint (its field names are the action's).
    {
      key: 'graphql',
      label: 'authenticatedGraphqlRequest, one-step',
      sameRequestAsUndici: false,
      call: async () => {
        const fields = { path: GRAPHQL_PATH, query: GRAPHQL_QUERY }
        const dataPoints = await completed('authenticatedGraphqlRequest', fields, settings())
        expect200('graphql', dataPoints.statusCode)
      },
    },
  ]
  const present = all.filter((c) => c.key !== 'graphql' || hasAction('authenticatedGraphqlRequest'))
  // One call each before anything is measured: a contender that cannot complete is left out
  // with its reason if it is an optional one, and stops the benchmark otherwise.
  const skipped: Contenders['skipped'] = {}
  const list: Contender[] = []
  for (const contender of present) {
    try {
      await contender.call()
      list.push(contender)
    } catch (error) {
      if (contender.key !== 'graphql') throw error
      skipped[contender.key] = error instanceof Error ? error.message : String(error)
      ctx.progress(`  ${contender.label} left out: ${skipped[contender.key]}`)
    }
  }
  return {
    list,
    byKey: (key) => list.find((contender) => contender.key === key),
    skipped,
    close: async () => {
      httpAgent.destroy()
      await undiciAgent.close()
    },
  }
}
