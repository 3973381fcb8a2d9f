/** Calendar days: `dayIn` answers the same day through its UTC shortcut as through Intl. */
import { describe, expect, it } from "vitest";
import { dayIn } from "../../src/utils/calendar.ts";

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
