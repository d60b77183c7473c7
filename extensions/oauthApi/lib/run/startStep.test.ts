import { setTimeout as sleep } from 'node:timers/promises'
import { Redactor } from '../secrets/redactor'
import { stepsOfRun } from './startStep'

const settings = { timeoutSeconds: 0.05, maxResponseBytes: 1000, secrets: ['s3cret-value'] }

describe('stepsOfRun (one deadline per step, released with the run)', () => {
  it('aborts a step that is still under way when its timeout passes', async () => {
    const { startStep } = stepsOfRun(new Redactor())
    const { deadline } = startStep(settings)
    expect(deadline.signal.aborted).toBe(false)
    await sleep(120)
    expect(deadline.signal.aborted).toBe(true)
    expect((deadline.signal.reason as DOMException).name).toBe('TimeoutError')
  })

  it('releases the timers of every step when the run ends (nothing fires afterwards)', async () => {
    const steps = stepsOfRun(new Redactor())
    const first = steps.startStep(settings).deadline
    const second = steps.startStep(settings).deadline
    steps.end()
    await sleep(120)
    expect(first.signal.aborted).toBe(false)
    expect(second.signal.aborted).toBe(false)
  })

  it("hands the settings' secrets to the run's redactor and keeps the size cap", () => {
    const redactor = new Redactor()
    const step = stepsOfRun(redactor).startStep(settings)
    expect(step.redactor).toBe(redactor)
    expect(step.maxResponseBytes).toBe(1000)
    expect(redactor.scrub('got s3cret-value')).toBe('got [REDACTED]')
  })
})
