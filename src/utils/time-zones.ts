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

/** Names Intl accepts without listing them, checked so far, by the name as sent; bounded, since every casing of a name is another key. */
const known = new Map<string, string>();
const maxKnown = 1000;

/**
 * The canonical IANA name for `name`, or the problem with it. A name Intl lists is spelt as
 * Intl lists it. A name Intl accepts but does not list (Node's list holds older spellings:
 * Asia/Calcutta, not Asia/Kolkata) keeps the spelling it was sent in when each of its words
 * starts with a capital (Asia/Kolkata, Etc/GMT+5, US/Eastern); sent in lower or upper case,
 * it is spelt as IANA spells such names (asia/kolkata is Asia/Kolkata, ETC/GMT+5 Etc/GMT+5).
 */
export function canonicalTimeZone(name: string): CanonicalZone {
  if (name.length === 0 || name.length > maxNameLength) return { problem: timeZoneHint };
  const listed = spellingOf(name);
  if (listed !== undefined) return { zone: listed };
  if (name.toUpperCase() === "UTC") return { zone: "UTC" };
  const found = known.get(name);
  if (found !== undefined) return { zone: found };
  if (!isAcceptedByIntl(name)) return { problem: timeZoneHint };
  // Every place name has an area and a slash (Europe/Paris, Etc/GMT+5); what has none is an
  // abbreviation or a POSIX-style rule (EST, CET, EST5EDT).
  if (!name.includes("/")) return { problem: abbreviationHint };
  const zone = name !== name.toUpperCase() && startsEveryWordWithACapital(name) ? name : spelt(name);
  if (known.size < maxKnown) known.set(name, zone);
  return { zone };
}

/** The canonical name, or undefined when `name` is not one a person may send. */
export function canonicalZoneOrUndefined(name: string): string | undefined {
  const canonical = canonicalTimeZone(name);
  return "zone" in canonical ? canonical.zone : undefined;
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

const word = /(^|[/_-])([A-Za-z])/g;

function startsEveryWordWithACapital(name: string): boolean {
  return [...name.matchAll(word)].every((match) => match[2] === match[2]!.toUpperCase());
}

/** Words IANA writes in capitals (Etc/GMT+5, Etc/UTC, US/Eastern). */
const capitalWords = new Set(["gmt", "utc", "uct", "us"]);

/** `asia/kolkata` as Asia/Kolkata: each word capitalised, as IANA spells the names Intl does not list. */
function spelt(name: string): string {
  return name
    .toLowerCase()
    .split("/")
    .map((segment) => segment.replace(/^[a-z]+/, (first) => (capitalWords.has(first) ? first.toUpperCase() : first)).replace(word, (_, separator: string, letter: string) => separator + letter.toUpperCase()))
    .join("/");
}
