/** Plain-text table, columns padded to their widest cell; numbers right-aligned. */
export function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows].map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))
  const width = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)))
  const line = (r: string[], raw: (string | number)[]) =>
    r.map((c, i) => (typeof raw[i] === 'number' ? c.padStart(width[i]) : c.padEnd(width[i]))).join('  ').trimEnd()
  const out = [line(cells[0], head), width.map((w) => '-'.repeat(w)).join('  ')]
  cells.slice(1).forEach((r, i) => out.push(line(r, rows[i])))
  return out.join('\n')
}

/** Up to 3 significant decimals for small numbers, none for large ones. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x)
  if (Number.isInteger(x) || Math.abs(x) >= 100) return Math.round(x).toLocaleString('en-US').replace(/,/g, ' ')
  return Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2)
}
