import type { Field } from '@awell-health/extensions-core'
import type { AnyZodObject } from 'zod'
import * as apiCall from '../authenticatedApiCall/config/fields'
import * as graphql from '../authenticatedGraphqlRequest/config/fields'
import * as checkConnection from '../checkConnection/config/fields'
import * as fetchToken from '../fetchOAuthToken/config/fields'
import { sharedFields } from './fields'

const actions: Array<[string, Record<string, Field>, AnyZodObject]> = [
  ['authenticatedApiCall', apiCall.fields, apiCall.FieldsValidationSchema],
  ['authenticatedGraphqlRequest', graphql.fields, graphql.FieldsValidationSchema],
  ['checkConnection', checkConnection.fields, checkConnection.FieldsValidationSchema],
  ['fetchOAuthToken', fetchToken.fields, fetchToken.FieldsValidationSchema],
]

describe('fields and their Zod schemas', () => {
  it.each(actions)(
    '%s: a schema for every field, and each field id equal to its key',
    (_a, fields, schema) => {
      expect(Object.keys(schema.shape as Record<string, unknown>).sort()).toEqual(
        Object.keys(fields).sort(),
      )
      for (const [key, field] of Object.entries(fields)) expect(field.id).toBe(key)
    },
  )

  it('shared fields are the same definition in every action that takes them', () => {
    for (const [, fields] of actions) {
      for (const key of Object.keys(sharedFields) as Array<keyof typeof sharedFields>) {
        if (key in fields) expect(fields[key]).toBe(sharedFields[key])
      }
    }
  })

  it('a Studio field left empty is unset: defaults apply', () => {
    const parsed = apiCall.ApiCallInputSchema.parse({
      path: ' /Patient ',
      method: '',
      bodyFormat: null,
      maxPages: null,
      failOnHttpError: '',
      renewOnStatus: '',
      accessToken: '',
      tokenExpiresAt: null,
    })
    expect(parsed).toMatchObject({
      path: '/Patient',
      method: 'GET',
      bodyFormat: 'json',
      maxPages: 1,
      failOnHttpError: true,
      renewOnStatus: new Set([401]),
      query: [],
      headers: [],
    })
    expect(parsed.accessToken).toBeUndefined()
    expect(parsed.tokenExpiresAt).toBeUndefined()
  })

  it.each([
    [{ path: '/x', maxPages: 1.5 }, 'maxPages', 'must be a whole number from 1 to 100'],
    [{ path: '/x', failOnHttpError: 'yes' }, 'failOnHttpError', 'must be true or false'],
    [{ path: 3 }, 'path', 'must be text, not a number'],
    [
      { path: '/x', bodyFormat: 'xml' },
      'bodyFormat',
      'must be one of json, fhir+json, form, multipart, text',
    ],
    [
      { path: '/x', tokenExpiresAt: '2026-13-45T99:00' },
      'tokenExpiresAt',
      'must be an ISO-8601 date-time',
    ],
  ])('%j: the field named, the rule stated', (raw, key, message) => {
    const result = apiCall.ApiCallInputSchema.safeParse(raw)
    expect(result.success).toBe(false)
    expect(result.error?.issues).toEqual([expect.objectContaining({ path: [key], message })])
  })
})
