import fc from 'fast-check'
import { InputFailure } from '../step/StepFailure'
import { InputProblem, NOT_DIRECT, objectOfParsers, parseDirectly } from './objectOfParsers'
import { parseInput } from './parseInput'
import { booleanValue, jsonValue, numberInRange, optionalText, requiredText } from './valueParsers'

/** Value parsers and rules across keys of both kinds: one that adds an issue, one that throws. */
const schema = objectOfParsers(
  {
    name: requiredText,
    note: optionalText,
    count: numberInRange(3, 1, 10),
    flag: booleanValue(false),
    data: jsonValue,
  },
  (parsed, addIssue) => {
    if (parsed.note === 'add-issue') addIssue('note', 'is refused by the build')
    if (parsed.note === 'throw') throw new InputProblem('is refused by a throw', 'count')
    return { ...parsed, summary: `${parsed.name}×${parsed.count}` }
  },
)

const value = fc.oneof(
  fc.constantFrom(
    undefined,
    null,
    '',
    ' ',
    'x',
    '5',
    '11',
    'true',
    'add-issue',
    'throw',
    '{"a":1}',
  ),
  fc.constantFrom('{bad', 5, true, [], {}),
)
const payload = fc.oneof(
  fc.record(
    { name: value, note: value, count: value, flag: value, data: value },
    { requiredKeys: [] },
  ),
  fc.constantFrom(null, undefined, 'text', 7, [], new Map(), new Date(0), Object.create(null)),
)

describe('parseInput: the direct parse (the hot path) and the Zod schema agree', () => {
  it('takes exactly the input the schema takes, with the same value (property)', () => {
    fc.assert(
      fc.property(payload, (raw) => {
        const direct = parseDirectly(schema, raw ?? {})
        const zod = schema.safeParse(raw ?? {})
        expect(direct !== NOT_DIRECT).toBe(zod.success)
        if (zod.success) expect(direct).toEqual(zod.data)
      }),
      { numRuns: 1000 },
    )
  })

  it('leaves every failure to the schema: the same issues, naming the key', () => {
    for (const [raw, key, problem] of [
      [{ count: '5' }, 'name', 'is required'],
      [{ name: 'a', note: 'add-issue' }, 'note', 'is refused by the build'],
      [{ name: 'a', note: 'throw' }, 'count', 'is refused by a throw'],
      [[], '(all)', 'Expected object, received array'],
    ] as const) {
      let failure: unknown
      try {
        parseInput(schema, raw, 'field')
      } catch (error) {
        failure = error
      }
      expect(failure).toBeInstanceOf(InputFailure)
      expect((failure as InputFailure).issues).toEqual([{ key, problem }])
    }
  })

  it('is not used for a schema it did not make', () => {
    expect(parseDirectly(objectOfParsers({}).pipe(schema), {})).toBe(NOT_DIRECT)
  })
})
