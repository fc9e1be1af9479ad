#!/usr/bin/env node
/**
 * `ci-notify <command> …`. Each command lives in src/commands/<name>.ts (or <name>/index.ts) and exports
 * `run(argv: string[]): Promise<number>` (the exit code). Loaded lazily so `ci-notify check` does not start a server.
 */
const commands: Record<string, { describe: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> }> = {
  serve: { describe: 'start the webhook receiver and delivery worker', load: () => import('./commands/serve.js') },
  normalize: { describe: 'print the common event a webhook payload becomes', load: () => import('./commands/normalize.js') },
  check: { describe: 'validate a rules file', load: () => import('./commands/check.js') },
  test: { describe: 'show how a rules file routes a payload, or replay a cases folder', load: () => import('./commands/test/index.js') },
  schema: { describe: 'print the JSON Schema of the rules file', load: () => import('./commands/schema.js') },
  deliveries: { describe: 'list or retry deliveries (dead letters)', load: () => import('./commands/deliveries.js') },
  silences: { describe: 'add, list or expire silences (mute matching events for a while)', load: () => import('./commands/silences.js') },
}

function usage(): string {
  const lines = Object.entries(commands).map(([n, c]) => `  ${n.padEnd(12)} ${c.describe}`)
  return `usage: ci-notify <command> [options]\n\ncommands:\n${lines.join('\n')}\n\n'ci-notify <command> --help' for a command's options.`
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n')
    return name ? 0 : 2
  }
  const cmd = commands[name]
  if (!cmd) {
    process.stderr.write(`ci-notify: unknown command "${name}"\n\n${usage()}\n`)
    return 2
  }
  const mod = await cmd.load()
  return mod.run(rest)
}

main(process.argv.slice(2)).then(
  (code) => {
    // serve keeps running until a signal; other commands exit with their code.
    if (code !== -1) process.exitCode = code
  },
  (err: unknown) => {
    process.stderr.write(`ci-notify: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exitCode = 1
  },
)
