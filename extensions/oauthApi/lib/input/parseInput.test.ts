import { z } from 'zod'
import { InputFailure } from '../step/StepFailure'
import { InputProblem, objectOfParsers } from './objectOfParsers'
import { parseInput } from './parseInput'
import { jsonValue, numberInRange, oneOf, optionalText, requiredText } from './valueParsers'

/** Value parsers and rules across keys of both kinds: one that adds an issue, one that throws. */
const schema = objectOfParsers(
  {
    name: requiredText,
    note: optionalText,
    count: numberInRange(3, 1, 10),
    flag: oneOf(['on', 'off'], 'off'),
    data: jsonValue,
  },
  (parsed, addIssue) => {
    if (parsed.note === 'add-issue') addIssue('note', 'is refused by the build')
    if (parsed.note === 'throw') throw new InputProblem('is refused by a throw', 'count')
    return { ...parsed, summary: `${parsed.name}×${parsed.count}` }
  },
)

const failureOf = (run: () => unknown): InputFailure => {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(InputFailure)
    return error as InputFailure
  }
  throw new Error('expected an InputFailure')
}

describe('parseInput', () => {
  it('gives the parsed value of valid input', () => {
    expect(parseInput(schema, { name: ' a ', count: '5', data: '{"a":1}' }, 'field')).toEqual({
      name: 'a',
      note: undefined,
      count: 5,
      flag: 'off',
      data: { a: 1 },
      summary: 'a×5',
    })
  })

  it('turns every failure into one InputFailure naming the key at fault', () => {
    for (const [raw, key, problem] of [
      [{ count: '5' }, 'name', 'is required'],
      [{ name: 'a', note: 'add-issue' }, 'note', 'is refused by the build'],
      [{ name: 'a', note: 'throw' }, 'count', 'is refused by a throw'],
      [[], '(all)', 'Expected object, received array'],
    ] as const) {
      const failure = failureOf(() => parseInput(schema, raw, 'field'))
      expect(failure.issues).toEqual([{ key, problem }])
      expect(failure.code).toBe('INVALID_FIELD')
    }
  })

  it('quotes at most three issues and counts the rest', () => {
    const many = z.object({
      a: z.string(),
      b: z.string(),
      c: z.string(),
      d: z.string(),
      e: z.string(),
    })
    const failure = failureOf(() => parseInput(many, {}, 'setting'))
    expect(failure.code).toBe('INVALID_SETTING')
    expect(failure.issues.map((issue) => issue.key)).toEqual(['a', 'b', 'c'])
    expect(failure.issues[2].problem).toMatch(/\(and 2 more\)$/)
  })

  it('reads a missing payload as an empty object', () => {
    expect(failureOf(() => parseInput(schema, undefined, 'field')).issues[0].key).toBe('name')
  })
})
