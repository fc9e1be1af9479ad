// placeholder: filled in by its owner
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('ci-notify test: not implemented yet\n')
  return 1
}
