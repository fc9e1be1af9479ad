import { markdownText } from '../../render/markdown-text.js'

// Adaptive Cards read `{{DATE(…)}}` and `{{TIME(…)}}` in a TextBlock as functions
// (https://learn.microsoft.com/en-us/adaptive-cards/create/textfeatures): their braces become full-width.
const CARD_FUNCTION = /\{\{(?=\s*(?:DATE|TIME)\s*\()/gi

/** Any text the card shows, ops' templates included, with no date or time function left in it. */
export const noCardFunctions = (s: string): string => s.replace(CARD_FUNCTION, '｛｛')

/**
 * CI text in a TextBlock or Fact (already neutral: no `[`, `<`, `*`…, escape.ts). Teams' card markdown is a
 * CommonMark subset: bold, italics, lists and links (https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/cards/cards-format),
 * so markdownText's wider set (`_x_`, `\`, a `-` or `1.` that starts a line) covers it.
 */
export const teamsText = (s: string): string => noCardFunctions(markdownText(s))
