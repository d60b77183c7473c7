import { FieldType, type Field } from '@awell-health/extensions-core'
import type { ZodTypeAny } from 'zod'
import { isoDateTime, parsedBy, statusList } from '../../lib/input/fieldSchemas'
import { headerPairs } from '../../lib/input/valueParsers'
import { handedInToken } from '../../lib/oauth/handedInToken'
import { connectionName } from '../../settings'

/**
 * Fields that several actions share, defined once: each action lists the ones it takes, with
 * their schemas (sharedFieldSchemas). Add a shared field here, with its schema.
 */

/**
 * Bounds that real use never reaches; beyond them a field is refused (WRONG_INPUT naming it)
 * before anything is sent, in time linear in its size.
 */
export const FIELD_LIMITS = {
  /** Characters of the path field (an absolute URL included). */
  pathLength: 8 * 1024,
  query: { maxEntries: 200, maxValueLength: 8 * 1024, maxTotalLength: 32 * 1024 },
  headers: { maxEntries: 100, maxValueLength: 8 * 1024, maxTotalLength: 32 * 1024 },
  body: { maxBytes: 10 * 1024 * 1024, maxDepth: 64 },
} as const

export const sharedFields = {
  accessToken: {
    id: 'accessToken',
    label: 'Access token',
    description:
      'Insert the accessToken data point of a "Fetch OAuth token" step (a token, or an oauthapi-ref:… reference). Leave empty to let this step get (and cache) a token itself from the extension settings.',
    type: FieldType.TEXT,
    required: false,
  },
  tokenExpiresAt: {
    id: 'tokenExpiresAt',
    label: 'Token expires at',
    description:
      'Optional: insert the expiresAt data point (ISO-8601). An expired token is replaced before the call; JWTs are checked by their exp claim anyway.',
    type: FieldType.TEXT,
    required: false,
  },
  headers: {
    id: 'headers',
    label: 'Headers',
    description:
      'A JSON object of string values. Authorization cannot be set here; names differing only in letter case are one header, so only one of them may be given.',
    type: FieldType.JSON,
    required: false,
  },
  renewOnStatus: {
    id: 'renewOnStatus',
    label: 'Renew token on status',
    description:
      'Comma-separated statuses after which the token is renewed and the request sent once more. Default 401; some APIs signal an expired token with 403 or 400.',
    type: FieldType.TEXT,
    required: false,
  },
  /** Which named connection (settings "connections") the step uses; the flat settings when empty. */
  connection: {
    id: 'connection',
    label: 'Connection',
    description:
      'Optional: the name of a connection in the "Named connections" setting, e.g. lab. Empty or "default": the flat settings. It may come from a data point (e.g. the patient\'s hospital).',
    type: FieldType.TEXT,
    required: false,
  },
} satisfies Record<string, Field>

/** Renewal after 401 when the renewOnStatus field is unset. */
export const DEFAULT_RENEW_ON_STATUS: ReadonlySet<number> = new Set([401])

export const sharedFieldSchemas = {
  accessToken: parsedBy(handedInToken).optional(),
  tokenExpiresAt: isoDateTime,
  headers: parsedBy(headerPairs(FIELD_LIMITS.headers)).optional(),
  renewOnStatus: statusList,
  // A connection name, `default` when empty; settings.ts reads it with the settings (parseSettings).
  connection: parsedBy(connectionName).optional(),
} satisfies Record<keyof typeof sharedFields, ZodTypeAny>
