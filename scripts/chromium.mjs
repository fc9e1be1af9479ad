// Where a Chromium is on this machine, for the console's browser tests (test/browser/) and `npm run screenshots`.
// playwright-core drives it; we never download a browser: Debian's `chromium` package (`.ci/run` installs it).
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome']

/** $CHROMIUM_PATH, else the first of the usual names on $PATH; undefined when there is none. */
export function findChromium() {
  const given = process.env.CHROMIUM_PATH
  if (given) return existsSync(given) ? given : undefined
  for (const name of NAMES) {
    try {
      const path = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
      if (path) return path
    } catch {
      // not this one: try the next name
    }
  }
  return undefined
}

/** Flags for a headless run in a container (often root, small /dev/shm). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu']
