import { describeFailure } from '../../lib/run/describeFailure'
import { RFC6749_DIALECT } from '../../lib/oauth/dialect'
import { tokenClient } from '../../lib/oauth/TokenClient'
import { StepFailure } from '../../lib/step/StepFailure'
import { tokenFailureAdvice, withAdvice } from './advice'

const client = tokenClient(
  {
    connection: 'default',
    auth: { method: 'client_secret_basic', clientId: 'app', clientSecret: 's3cr3t-value' },
    endpoint: { kind: 'url', url: new URL('https://auth.example/token') },
    scope: undefined,
    audience: undefined,
    resource: undefined,
    extraParams: {},
    dialect: RFC6749_DIALECT,
    grant: { type: 'client_credentials' },
    tlsId: undefined,
  },
  'credential',
)

describe('checkConnection advice reads the failure’s facts, not a body', () => {
  it('advises on the OAuth error the failure carries', () => {
    const failure = new StepFailure({
      kind: 'token error',
      status: 401,
      attempts: 1,
      oauthError: 'invalid_scope',
    })
    expect(failure.code).toBe('TOKEN_REQUEST_REFUSED')
    expect(tokenFailureAdvice(failure, client, undefined)).toBe(
      'Check the "Scope" setting: ask only for scopes the client is registered for.',
    )
  })

  it('advises on the status when there is no OAuth error', () => {
    const notFound = new StepFailure({
      kind: 'token error',
      status: 404,
      attempts: 1,
      serverText: 'Not Found',
    })
    expect(tokenFailureAdvice(notFound, client, undefined)).toMatch(/OAuth 2\.0 token endpoint/)
    const failed = new StepFailure({
      kind: 'token error',
      status: 503,
      attempts: 3,
      gaveUp: { reason: 'ATTEMPTS_EXHAUSTED' },
    })
    expect(failed.code).toBe('TOKEN_ENDPOINT_FAILED')
    expect(tokenFailureAdvice(failed, client, undefined)).toMatch(/authorization server failed/)
  })

  it('keeps the facts and the advice apart until describeFailure words them', () => {
    const failure = new StepFailure({
      kind: 'token error',
      status: 400,
      attempts: 1,
      oauthError: 'invalid_client',
      oauthErrorDescription: 'bad secret',
    })
    const advised = withAdvice(failure, 'Check it.') as StepFailure
    expect(advised.facts).toMatchObject({ oauthError: 'invalid_client' })
    expect(advised.advice).toBe('Check it.')
    expect(describeFailure(advised).message).toBe(
      'The token endpoint refused the request (HTTP 400): error "invalid_client", error_description "bad secret". Check it.',
    )
  })
})
