import { extensions } from '../extensions'
import { allowLoopbackUnlessSet } from '../servers/allowLoopback'
import { runCli } from './runCli'

/** Exits once stdout and stderr are flushed, without waiting for sockets or timers a handler left. */
function exitAfterFlush(code: number): void {
  process.exitCode = code
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)))
}

async function main(): Promise<void> {
  // For the local servers (npm run servers): loopback is opened unless the variable is set.
  allowLoopbackUnlessSet()
  const code = await runCli(process.argv.slice(2), {
    registry: extensions,
    env: process.env,
    // npm runs scripts in the package root; INIT_CWD is where the user typed the command.
    cwd: process.env.INIT_CWD ?? process.cwd(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  })
  exitAfterFlush(code)
}

void main()
