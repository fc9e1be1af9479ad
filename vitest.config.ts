import { connect } from 'node:net'
import { defineConfig } from 'vitest/config'
import { findChromium } from './scripts/chromium.mjs'

/** The test files that need a PostgreSQL server (TEST_DATABASE_URL, default the local one on 127.0.0.1:5432). */
const POSTGRES_TESTS = ['test/store/postgres*.test.ts', 'test/e2e/replicas.test.ts']

/** The console's tests that drive a real browser (playwright-core with the machine's Chromium). */
const BROWSER_TESTS = ['test/browser/**/*.test.ts']

/**
 * `npm test` on a machine with only Node runs everything but the PostgreSQL tests, and says so loudly. CI sets
 * CI_REQUIRE_PG=1 (.ci/run starts PostgreSQL first): there, a database that cannot be reached fails those tests.
 */
async function postgresReachable(): Promise<boolean> {
  const url = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test')
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 5432), timeout: 1000 })
    const done = (ok: boolean) => (socket.destroy(), resolve(ok))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
    socket.once('timeout', () => done(false))
  })
}

export default defineConfig(async () => {
  const skipPostgres = process.env.CI_REQUIRE_PG !== '1' && !(await postgresReachable())
  if (skipPostgres) {
    console.warn(`\n!! PostgreSQL is not reachable: skipping ${POSTGRES_TESTS.join(', ')} (CI runs them; see .ci/run)\n`)
  }
  // Outside CI a machine without Chromium skips the browser tests, loudly; in CI (env CI set) they run and fail.
  const skipBrowser = !process.env.CI && !findChromium()
  if (skipBrowser) {
    console.warn(`\n!! No Chromium found (CHROMIUM_PATH, or chromium on PATH): skipping ${BROWSER_TESTS.join(', ')}. Install it: apt-get install -y chromium (CI runs them; see .ci/run)\n`)
  }
  return {
    test: {
      include: ['test/**/*.test.ts'],
      exclude: ['**/node_modules/**', ...(skipPostgres ? POSTGRES_TESTS : []), ...(skipBrowser ? BROWSER_TESTS : [])],
      globalSetup: ['test/global-setup.ts'],
      // A guard against a hang, not a speed check: on a shared 2-core machine under load, property tests and the
      // process tests take three times their quiet duration.
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  }
})
