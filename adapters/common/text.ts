/** A commit's title: the first line of its message. */
export const firstLine = (text: string | undefined): string | undefined => text?.split(/\r?\n/, 1)[0]?.trim() || undefined
