import { SETTINGS } from '../settings/settings-spec.js'

/**
 * The settings table of docs/operating.md, one row per SETTINGS entry (src/settings/settings-spec.ts): env var (and its
 * `_FILE` twin for a secret), `ci-notify serve` flag, default, meaning.
 */
export function settingsTable(): string {
  const rows = SETTINGS.map((s) => {
    const env = s.secret ? `\`${s.env}\` (also \`${s.env}_FILE\`)` : `\`${s.env}\``
    const flag = s.secret ? `\`--${s.flag}\` (\`--${s.flag}-file\`)` : `\`--${s.flag}\``
    const def = s.default === undefined ? '—' : `\`${s.default}\``
    return `| ${env} | ${flag} | ${def} | ${cell(s.meaning)} |`
  })
  return ['| env var | `ci-notify serve` flag | default | meaning |', '|---|---|---|---|', ...rows].join('\n')
}

/** A table cell: a `|` in the text would end it. */
const cell = (text: string) => text.replaceAll('|', '\\|')
