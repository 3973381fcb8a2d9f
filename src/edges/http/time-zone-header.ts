/**
 * `X-Time-Zone`: where the user is, said on any route (see src/syncs/shared/zones.ts for
 * what the syncs make of it). The dialects' requests carry it canonical, or null; a concept
 * operation that takes a `timeZone` takes it when its body names none.
 */
import { canonicalTimeZone, type CanonicalZone } from "../../utils/time-zones.ts";

export const timeZoneHeader = "x-time-zone";

/** The header's zone, canonical; null when there is none (every dialect request carries it, so that syncs can match on it). */
export function headerZone(header: string | undefined): { zone: string | null } | Extract<CanonicalZone, { problem: string }> {
  if (header === undefined || header === "") return { zone: null };
  return canonicalTimeZone(header);
}

/** A concept operation's input with the header's zone as its `timeZone`, when it takes one and the body names none (the schema judges it like the body's). */
export function withHeaderZone(input: Record<string, unknown>, fields: ReadonlySet<string>, header: string | undefined): Record<string, unknown> {
  if (header === undefined || header === "" || !fields.has("timeZone") || input["timeZone"] !== undefined) return input;
  return { ...input, timeZone: header };
}
