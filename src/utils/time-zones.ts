/**
 * Time zone names as people send them, made canonical: the IANA name spelt as the database
 * spells it (`america/new_york` is `America/New_York`), so that one user's zone is stored
 * one way whichever route named it. Abbreviations (`EST`, `cet`) are refused: Intl reads
 * `EST` as a fixed UTC-5 with no daylight saving, which is not what a US user means in July,
 * and most abbreviations name several zones.
 */

/** The longest zone name there is is 32 characters (America/Argentina/ComodRivadavia); longer is not a name. */
const maxNameLength = 64;

export const timeZoneHint = "must be an IANA time zone name such as America/New_York or Europe/Paris";

/** The refusal of a name Intl may know but a person should not send: an abbreviation. */
export const abbreviationHint = "must name a place, such as America/New_York, not an abbreviation such as EST (abbreviations have no daylight saving or are ambiguous)";

export type CanonicalZone = { zone: string } | { problem: string };

/** The canonical spelling of each name Intl lists, by its lower case (built once, on first use). */
let spellings: Map<string, string> | undefined;

function spellingOf(name: string): string | undefined {
  spellings ??= new Map(Intl.supportedValuesOf("timeZone").map((zone) => [zone.toLowerCase(), zone]));
  return spellings.get(name.toLowerCase());
}

/** Canonical names found so far, by the name as sent: a few hundred at most (unknown names are not kept). */
const known = new Map<string, string>();

/**
 * The canonical IANA name for `name`, or the problem with it. A name Intl accepts but does
 * not list (an alias such as Asia/Kolkata, which Intl lists as Asia/Calcutta) keeps its
 * own spelling, its case fixed word by word.
 */
export function canonicalTimeZone(name: string): CanonicalZone {
  const found = known.get(name);
  if (found !== undefined) return { zone: found };
  if (name.length === 0 || name.length > maxNameLength) return { problem: timeZoneHint };
  if (name.toUpperCase() === "UTC") return remember(name, "UTC");
  if (!isAcceptedByIntl(name)) return { problem: timeZoneHint };
  // Every place name has an area and a slash (Europe/Paris, Etc/GMT+5); what has none is an
  // abbreviation or a POSIX-style rule (EST, CET, EST5EDT).
  if (!name.includes("/")) return { problem: abbreviationHint };
  return remember(name, spellingOf(name) ?? (name === name.toLowerCase() || name === name.toUpperCase() ? capitalised(name) : name));
}

/** The canonical name, or undefined when `name` is not one a person may send. */
export function canonicalZoneOrUndefined(name: string): string | undefined {
  const canonical = canonicalTimeZone(name);
  return "zone" in canonical ? canonical.zone : undefined;
}

function remember(name: string, zone: string): CanonicalZone {
  known.set(name, zone);
  return { zone };
}

function isAcceptedByIntl(name: string): boolean {
  try {
    // Building a formatter is the check (costly, hence `known`).
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** `asia/kolkata` as Asia/Kolkata: each word capitalised, as IANA spells every name Intl does not list. */
function capitalised(name: string): string {
  return name.toLowerCase().replace(/(^|[/_-])([a-z])/g, (_, separator: string, letter: string) => separator + letter.toUpperCase());
}
