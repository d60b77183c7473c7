const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

/** The class of a thrown value (`TypeError`, `AxiosError`), never its message. */
export function thrownClassName(thrown: unknown): string {
  if (thrown instanceof Error) {
    const name = thrown.constructor?.name
    return typeof name === 'string' && IDENTIFIER.test(name) ? name : 'Error'
  }
  if (thrown === null) return 'null'
  return `a non-Error ${typeof thrown}`
}

/** The `at …` lines of a thrown error's stack, without the first line(s) that hold its message. */
export function stackFramesOf(thrown: unknown): string[] {
  if (!(thrown instanceof Error) || typeof thrown.stack !== 'string') return []
  return thrown.stack.split('\n').filter((line) => /^\s+at /.test(line))
}
