// Starts servers.ts in a child process and talks to it over IPC.
//
// Why a child process rather than servers in this process: the measured client (the extension,
// or bare axios) then has this process's event loop and heap to itself. In-process servers would
// take turns with the client on the one event loop (halving the throughput figure and diluting
// the overhead ratio with server work) and allocate on the same heap (blurring heapGrowthMB).
// With 2 cores the server runs beside the client instead of in between.

import { fork, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import type { ParentMessage, ServerCounts, ServerMessage } from './protocol'

export interface BenchServers {
  tokenUrl: string
  apiBaseUrl: string
  counts(): Promise<ServerCounts>
  stop(): Promise<void>
}

const STARTUP_TIMEOUT_MS = 20_000
const STOP_TIMEOUT_MS = 5_000

export const startServers = async (): Promise<BenchServers> => {
  // Only ts-node in the child: not --cpu-prof or --expose-gc from this process's command line.
  const child = fork(join(__dirname, 'servers.ts'), [], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    // stdout stays clean for --json: the child writes nothing there (errors go to stderr).
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  const ready = await waitForReady(child)
  const pending = new Map<number, (counts: ServerCounts) => void>()
  let nextId = 1
  child.on('message', (message: ServerMessage) => {
    if (message.type !== 'stats') return
    const { type: _type, id, ...counts } = message
    pending.get(id)?.(counts)
    pending.delete(id)
  })
  const post = (message: ParentMessage) => child.send(message)

  return {
    tokenUrl: `http://127.0.0.1:${ready.tokenPort}/token`,
    apiBaseUrl: `http://127.0.0.1:${ready.apiPort}/fhir`,
    counts: () =>
      new Promise((resolve) => {
        const id = nextId++
        pending.set(id, resolve)
        post({ type: 'stats', id })
      }),
    stop: () => stopChild(child, post),
  }
}

const waitForReady = (child: ChildProcess) =>
  new Promise<{ tokenPort: number; apiPort: number }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill()
      reject(new Error('the benchmark servers did not start in time'))
    }, STARTUP_TIMEOUT_MS)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the benchmark servers exited early (code ${code})`))
    })
    child.on('message', (message: ServerMessage) => {
      if (message.type !== 'ready') return
      clearTimeout(timer)
      child.removeAllListeners('exit')
      resolve(message)
    })
  })

const stopChild = (child: ChildProcess, post: (message: ParentMessage) => void) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    post({ type: 'stop' })
  })
