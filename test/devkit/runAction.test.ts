import { Category, type ActivityEvent } from '@awell-health/extensions-core'
import { PAYLOAD_CONTEXT } from '../../devkit/payload'
import { MissingHandlerError, runAction, type AnyAction } from '../../devkit/runAction'

const action = (onEvent: AnyAction['onEvent']): AnyAction => ({
  key: 'probe',
  title: 'Probe',
  description: 'A probe for the runner',
  category: Category.DEMO,
  fields: {},
  dataPoints: {},
  previewable: false,
  onEvent,
})

const failure = (message: string): ActivityEvent => ({
  date: '2024-01-01T00:00:00.000Z',
  text: { en: message },
  error: { category: 'BAD_REQUEST', message },
})

describe('runAction (devkit)', () => {
  it('hands the handler a platform-shaped payload', async () => {
    const payloads: unknown[] = []
    await runAction(
      action(async ({ payload, onComplete }) => {
        payloads.push(payload)
        await onComplete()
      }),
      { a: 1 },
      { s: 'x' },
    )
    expect(payloads).toEqual([{ fields: { a: 1 }, settings: { s: 'x' }, ...PAYLOAD_CONTEXT }])
  })

  it('describes a completed run: data points, logs, emitted text without the token', async () => {
    const run = await runAction(
      action(async ({ helpers, onComplete }) => {
        helpers.log({ step: 1 }, 'working')
        await onComplete({ data_points: { accessToken: 'tok-123456', statusCode: '200' } })
      }),
      {},
      {},
    )
    expect(run).toMatchObject({
      outcome: 'complete',
      calls: 1,
      events: [],
      dataPoints: { accessToken: 'tok-123456', statusCode: '200' },
      logs: [[{ step: 1 }, 'working']],
      category: undefined,
      message: '',
      code: undefined,
      thrown: undefined,
    })
    expect(run.elapsedMs).toBeGreaterThanOrEqual(0)
    expect(JSON.parse(run.emitted)).toEqual({
      completes: [[{ data_points: { accessToken: '(excluded)', statusCode: '200' } }]],
      errors: [],
      logs: [[{ step: 1 }, 'working']],
    })
  })

  it('takes the category, message and the first logged code of a failed run', async () => {
    const run = await runAction(
      action(async ({ helpers, onError }) => {
        helpers.log({ note: 'no code here' }, 'first')
        helpers.log({ category: 'BAD_REQUEST', code: 'TOKEN_REFUSED' }, 'failed')
        helpers.log({ code: 'LATER' }, 'ignored')
        await onError({ events: [failure('refused')] })
      }),
      {},
      {},
    )
    expect(run).toMatchObject({
      outcome: 'error',
      calls: 1,
      category: 'BAD_REQUEST',
      message: 'refused',
      code: 'TOKEN_REFUSED',
    })
  })

  it('records every callback in order, and tells about the later ones as they happen', async () => {
    const told: string[] = []
    const run = await runAction(
      action(async ({ onComplete, onError }) => {
        await onComplete({ data_points: {} })
        await onError({ events: [failure('too late')] })
      }),
      {},
      {},
      { onCallback: (call, earlier) => told.push(`${call.kind} after ${earlier?.kind}`) },
    )
    expect(run.outcome).toBe('both')
    expect(run.calls).toBe(2)
    expect(run.callbacks.map((call) => call.kind)).toEqual(['complete', 'error'])
    expect(told).toEqual(['complete after undefined', 'error after complete'])
  })

  it('records what the handler threw instead of rejecting', async () => {
    const thrown = new RangeError('boom')
    const run = await runAction(
      action(() => Promise.reject(thrown)),
      {},
      {},
    )
    expect(run).toMatchObject({ outcome: 'none', calls: 0, thrown: { value: thrown } })
  })

  it('runs onActivityCreated handlers, and reports an action without a handler', async () => {
    const legacy: AnyAction = {
      ...action(undefined),
      onActivityCreated: async (_payload, onComplete) => onComplete(),
    }
    expect((await runAction(legacy, {}, {})).outcome).toBe('complete')
    const run = await runAction(action(undefined), {}, {})
    expect(run.thrown?.value).toBeInstanceOf(MissingHandlerError)
  })
})
