/**
 * What an error message may quote of a client's input: a bounded piece of it. A refusal that
 * repeated a 1 MB key sent the megabyte back, and, kept as an idempotent answer or logged,
 * stored it too; no error message quotes more than `quoteLimit` characters of one input.
 */

/** The most characters of one client-supplied key or value an error message repeats. */
export const quoteLimit = 64;

/** `text` as an error message may repeat it: whole when short, else its start and an ellipsis. */
export function cut(text: string, limit: number = quoteLimit): string {
  if (text.length <= limit) return text;
  let end = limit;
  // Never split a surrogate pair: half of one would be a lone surrogate in the message.
  if (isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** `text` cut, as a JSON string: for keys and values that may hold quotes or control characters. */
export function quoted(text: string, limit: number = quoteLimit): string {
  return JSON.stringify(cut(text, limit));
}

/** At most `shown` of `items`, cut, joined with ", ", and how many more there were. */
export function cutList(items: readonly string[], shown = 5): string {
  const listed = items.slice(0, shown).map((item) => cut(item)).join(", ");
  return items.length > shown ? `${listed} and ${items.length - shown} more` : listed;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
