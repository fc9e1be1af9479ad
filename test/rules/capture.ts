import { vi } from 'vitest'

/** Runs a command's `run(argv)` in-process and captures what it writes. */
export async function capture(run: (argv: string[]) => Promise<number>, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true))
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true))
  try {
    const code = await run(argv)
    return { code, out, err }
  } finally {
    o.mockRestore()
    e.mockRestore()
  }
}
