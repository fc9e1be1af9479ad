/**
 * A line diff (longest common subsequence) of two short texts, `-` expected and `+` actual, with two lines of
 * context around each change. Enough for expectation files of a few hundred lines.
 */
export function lineDiff(expected: string, actual: string, context = 2): string {
  const a = expected.split('\n')
  const b = actual.split('\n')
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0))
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1])
  }
  const ops: Array<[' ' | '-' | '+', string]> = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) ops.push([' ', a[i++]]), j++
    else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push(['-', a[i++]])
    else ops.push(['+', b[j++]])
  }
  const near = ops.map((_, k) => ops.slice(Math.max(0, k - context), k + context + 1).some(([op]) => op !== ' '))
  const out: string[] = []
  ops.forEach(([op, line], k) => {
    if (near[k]) out.push(`${op} ${line}`)
    else if (out.at(-1) !== '  …') out.push('  …')
  })
  return out.join('\n')
}
