/**
 * Failure codes, read through imports: every code the code has (`FAILURE_CODES`) has exactly one
 * Awell category (`FAILURE_CATEGORIES` of run/describeFailure.ts) and one sentence for the
 * reference (`FAILURE_MEANINGS`), and describeFailure reports each code with that category.
 */
import { HTTP_ERROR_CODES, HttpError } from '../../extensions/oauthApi/lib/http/HttpError'
import {
  FAILURE_CATEGORIES,
  describeFailure,
} from '../../extensions/oauthApi/lib/run/describeFailure'
import { FAILURE_MEANINGS } from '../../extensions/oauthApi/lib/run/failureMeanings'
import { FAILURE_CODES, StepFailure } from '../../extensions/oauthApi/lib/step/StepFailure'

const AWELL_CATEGORIES = [
  'MISSING_SETTINGS',
  'MISSING_FIELDS',
  'WRONG_INPUT',
  'BAD_REQUEST',
  'SERVER_ERROR',
  'WRONG_DATA',
]

describe('failure codes', () => {
  it('are distinct, and include the transport codes and INTERNAL', () => {
    expect(new Set(FAILURE_CODES).size).toBe(FAILURE_CODES.length)
    expect(FAILURE_CODES).toEqual(expect.arrayContaining([...HTTP_ERROR_CODES, 'INTERNAL']))
    expect(FAILURE_CODES.length).toBeGreaterThan(15)
  })

  it('have a category each, and nothing else has one', () => {
    expect(Object.keys(FAILURE_CATEGORIES).sort()).toEqual([...FAILURE_CODES].sort())
    expect(
      Object.values(FAILURE_CATEGORIES).filter((category) => !AWELL_CATEGORIES.includes(category)),
    ).toEqual([])
  })

  it('have a sentence each for the reference, and nothing else has one', () => {
    expect(Object.keys(FAILURE_MEANINGS).sort()).toEqual([...FAILURE_CODES].sort())
    expect(Object.values(FAILURE_MEANINGS).filter((text) => text.trim() === '')).toEqual([])
  })

  it.each(FAILURE_CODES.filter((code) => code !== 'INTERNAL'))(
    '%s is reported with its category',
    (code) => {
      const thrown = (HTTP_ERROR_CODES as readonly string[]).includes(code)
        ? new HttpError(code as (typeof HTTP_ERROR_CODES)[number], 'http://x/', undefined, 'm')
        : new StepFailure(code, 'detail')
      expect(describeFailure(thrown)).toMatchObject({ code, category: FAILURE_CATEGORIES[code] })
    },
  )

  it('INTERNAL is what anything else is reported as', () => {
    expect(describeFailure(new TypeError('secret'))).toMatchObject({
      code: 'INTERNAL',
      category: FAILURE_CATEGORIES.INTERNAL,
    })
  })
})
