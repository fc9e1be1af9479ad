/** `, did you mean "x"?` for the closest candidate, or '' when nothing is close enough to be a likely typo. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const best = closest(word, candidates)
  return best === undefined ? '' : `, did you mean "${best}"?`
}

export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase()
  let best: string | undefined
  let bestD = Infinity
  for (const c of candidates) {
    const d = distance(w, c.toLowerCase())
    if (d < bestD) [best, bestD] = [c, d]
  }
  // Short words may have one edit, longer ones two or a third of their length: "emial" → "emails", not "x" → "ops".
  const allowed = word.length <= 3 ? 1 : Math.max(2, Math.floor(word.length / 3))
  return bestD <= allowed ? best : undefined
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps each cost 1. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0][j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  }
  return d[a.length][b.length]
}
