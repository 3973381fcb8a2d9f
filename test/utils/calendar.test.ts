/** Calendar days: `dayIn` answers the same day through its UTC shortcut as through Intl, and as luxon does; zone names made canonical. */
import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { dayIn, endOfDayIn, startOfDayIn } from "../../src/utils/calendar.ts";
import { instant } from "../../src/utils/schemas.ts";
import { abbreviationHint, canonicalTimeZone, timeZoneHint } from "../../src/utils/time-zones.ts";

/** The day by Intl alone, as `dayIn` finds it for any other zone. */
function intlDay(at: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(at).map((part) => [part.type, part.value]),
  );
  return `${String(parts.year).padStart(4, "0")}-${parts.month}-${parts.day}`;
}

describe("dayIn", () => {
  it("answers the UTC day as Intl does, around midnights, leap days and years", () => {
    const instants = ["2024-02-29T23:59:59.999Z", "2024-03-01T00:00:00.000Z", "1999-12-31T23:59:59.999Z", "2000-01-01T00:00:00.000Z", "0500-06-15T12:00:00.000Z", "9999-12-31T23:59:59.999Z"];
    for (let step = 0; step < 500; step++) instants.push(new Date(Date.UTC(2026, 0, 1) + step * 7_777_777).toISOString());
    for (const iso of instants) expect(dayIn(new Date(iso), "UTC"), iso).toBe(intlDay(new Date(iso), "UTC"));
  });

  it("counts days in the user's zone: 23:30 in New York is still that New York day", () => {
    expect(dayIn(new Date("2026-02-19T04:30:00Z"), "America/New_York")).toBe("2026-02-18");
    expect(dayIn(new Date("2026-02-19T04:30:00Z"), "UTC")).toBe("2026-02-19");
  });
});

/**
 * Against a trusted time library (luxon): random zones (every zone Intl lists, and the
 * awkward ones by name), random instants, and the nights clocks change.
 */
describe("calendar days against luxon", () => {
  const awkward = ["America/New_York", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kolkata", "America/St_Johns", "Australia/Lord_Howe", "Asia/Kathmandu", "America/Santiago", "Asia/Beirut", "Africa/Casablanca", "Europe/London", "UTC"];
  const zone = fc.oneof(fc.constantFrom(...awkward), fc.constantFrom(...Intl.supportedValuesOf("timeZone")));
  const instant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }).map((ms) => new Date(ms));
  /** Instants within an hour or two of a clock change somewhere: the 2026 DST nights of both hemispheres. */
  const dstNight = fc
    .constantFrom("2026-03-08T07:00:00Z", "2026-11-01T06:00:00Z", "2026-03-29T01:00:00Z", "2026-10-25T01:00:00Z", "2026-04-05T15:00:00Z", "2026-10-04T16:00:00Z", "2026-04-04T14:30:00Z")
    .chain((iso) => fc.integer({ min: -3 * 3_600_000, max: 3 * 3_600_000 }).map((offset) => new Date(Date.parse(iso) + offset)));
  const day = fc.integer({ min: 0, max: 365 * 30 }).map((offset) => DateTime.utc(2001, 1, 1).plus({ days: offset }).toISODate()!);

  it("answers the day luxon answers, for any instant in any zone", () => {
    fc.assert(
      fc.property(fc.oneof(instant, dstNight), zone, (at, timeZone) => {
        expect(dayIn(at, timeZone)).toBe(DateTime.fromJSDate(at, { zone: timeZone }).toISODate());
      }),
      { numRuns: 2000 },
    );
  });

  it("starts and ends a day where luxon does, 23- and 25-hour days included", () => {
    fc.assert(
      fc.property(day, zone, (date, timeZone) => {
        const start = DateTime.fromISO(date, { zone: timeZone }).startOf("day");
        expect(startOfDayIn(date, timeZone).toISOString()).toBe(start.toUTC().toISO());
        expect(endOfDayIn(date, timeZone).toISOString()).toBe(start.endOf("day").toUTC().toISO());
      }),
      { numRuns: 1000 },
    );
  });

  it("takes the whole of New York's 23-hour and 25-hour days", () => {
    expect(endOfDayIn("2026-03-08", "America/New_York").getTime() + 1 - startOfDayIn("2026-03-08", "America/New_York").getTime()).toBe(23 * 3_600_000);
    expect(endOfDayIn("2026-11-01", "America/New_York").getTime() + 1 - startOfDayIn("2026-11-01", "America/New_York").getTime()).toBe(25 * 3_600_000);
  });
});

describe("canonicalTimeZone", () => {
  it("spells any casing of a zone Intl lists as Intl lists it", () => {
    const casing = fc.constantFrom<(name: string) => string>((name) => name, (name) => name.toLowerCase(), (name) => name.toUpperCase());
    fc.assert(
      fc.property(fc.constantFrom(...Intl.supportedValuesOf("timeZone").filter((name) => name.includes("/"))), casing, (name, cased) => {
        expect(canonicalTimeZone(cased(name))).toEqual({ zone: name });
      }),
      { numRuns: 1000 },
    );
  });

  it("keeps an alias Intl accepts as sent (Asia/Kolkata), its case fixed, naming the same zone as luxon", () => {
    expect(canonicalTimeZone("america/new_york")).toEqual({ zone: "America/New_York" });
    expect(canonicalTimeZone("asia/kolkata")).toEqual({ zone: "Asia/Kolkata" });
    expect(canonicalTimeZone("Asia/Kolkata")).toEqual({ zone: "Asia/Kolkata" });
    expect(canonicalTimeZone("utc")).toEqual({ zone: "UTC" });
    for (const [sent, spelt] of [["ASIA/KATHMANDU", "Asia/Kathmandu"], ["etc/gmt+5", "Etc/GMT+5"], ["ETC/UTC", "Etc/UTC"], ["us/eastern", "US/Eastern"], ["Etc/GMT-14", "Etc/GMT-14"], ["America/Argentina/ComodRivadavia", "America/Argentina/ComodRivadavia"]]) {
      expect(canonicalTimeZone(sent!)).toEqual({ zone: spelt });
    }
    expect(DateTime.fromISO("2026-02-11T00:30:00", { zone: "Asia/Kolkata" }).toUTC().toISO()).toBe("2026-02-10T19:00:00.000Z");
  });

  it("refuses abbreviations with a hint, and names that are no zone", () => {
    for (const name of ["est", "EST", "CET", "pst", "EST5EDT", "GMT"]) expect(canonicalTimeZone(name)).toEqual({ problem: abbreviationHint });
    for (const name of ["Mars/Olympus", "", "Europe/" + "x".repeat(100), "America/New York"]) expect(canonicalTimeZone(name)).toEqual({ problem: timeZoneHint });
  });
});

describe("instant", () => {
  // Whatever the host's zone: a worker thread cannot change its own (TZ is read at start), so
  // test/syncs/calendar.test.ts runs the server under TZ=Asia/Kathmandu for that.
  it("reads a time without an offset as UTC", () => {
    expect(instant.parse("2026-02-01T10:00:00").toISOString()).toBe("2026-02-01T10:00:00.000Z");
    expect(instant.parse("2026-02-01T10:00:00.250").toISOString()).toBe("2026-02-01T10:00:00.250Z");
    expect(instant.parse("2026-02-01T10:00:00+05:45").toISOString()).toBe("2026-02-01T04:15:00.000Z");
    expect(instant.parse("2026-02-01").toISOString()).toBe("2026-02-01T00:00:00.000Z");
  });
});
