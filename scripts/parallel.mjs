#!/usr/bin/env node
/**
 * Runs npm scripts at once and fails when any fails: `node scripts/parallel.mjs static jest`.
 * `npm test` uses it so that the static checks (one after another, mostly on one core) overlap
 * jest (two workers; the suites under test/ spend much of their time waiting on loopback servers
 * and timers). Each script's output is printed whole when it ends, with its time, so that outputs
 * do not interleave; the exit code is the first failure's, else 0. docs/performance.md ("The test
 * loop") has the measurements behind this layout.
 */
import { spawn } from 'node:child_process'

const scripts = process.argv.slice(2)
if (scripts.length === 0) {
  console.error('usage: node scripts/parallel.mjs <npm script>…')
  process.exit(2)
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const started = Date.now()

const run = (script) =>
  new Promise((resolve) => {
    const begin = Date.now()
    // Piped, the scripts would drop their colours; keep them when this runs in a terminal.
    const color = process.stdout.isTTY && process.env.FORCE_COLOR === undefined
    const child = spawn(npm, ['run', '--silent', script], {
      env: color ? { ...process.env, FORCE_COLOR: '1' } : process.env,
    })
    const output = []
    child.stdout.on('data', (chunk) => output.push(chunk))
    child.stderr.on('data', (chunk) => output.push(chunk))
    child.on('close', (code, signal) => {
      const seconds = ((Date.now() - begin) / 1000).toFixed(1)
      const status = code === 0 ? 'ok' : `failed (${signal ?? `exit ${code}`})`
      process.stdout.write(`\n── npm run ${script}: ${status} in ${seconds} s ──\n`)
      process.stdout.write(Buffer.concat(output))
      resolve({ script, code: code ?? 1, seconds })
    })
  })

const results = await Promise.all(scripts.map(run))
const total = ((Date.now() - started) / 1000).toFixed(1)
console.log(
  `\n${results.map((r) => `${r.script} ${r.code === 0 ? 'ok' : 'FAILED'} ${r.seconds} s`).join(', ')}; ${total} s in all`,
)
process.exit(results.find((r) => r.code !== 0)?.code ?? 0)
