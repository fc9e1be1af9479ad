import { isTerminal, type Status } from '../../src/event.js'

/**
 * Maps a native status through a table. A value the table does not know is tolerated:
 * it maps to `running`, which is not terminal, so nothing downstream treats an unknown state as an outcome. The
 * native value is always kept verbatim in `source_status`.
 */
export function mapStatus(table: Readonly<Record<string, Status>>, native: string | undefined): Status {
  return (native !== undefined && Object.hasOwn(table, native) ? table[native] : undefined) ?? 'running'
}

export const statusFields = (status: Status, source_status: string) => ({ status, source_status, finished: isTerminal(status) })
