import { beforeEach, describe, expect, it } from "vitest";
import { FocusStatsConcept } from "../../src/concepts/FocusStats/FocusStatsConcept.ts";
import { useConceptDatabase } from "./concept-database.ts";
import { minute, ok } from "./fake-clock.ts";

const db = useConceptDatabase();
let stats: FocusStatsConcept;

beforeEach(() => {
  stats = new FocusStatsConcept(db());
});

/** A completed session of `minutes` minutes that ended at `endTime`. */
function session(focusSession: string, endTime: string, minutes: number, extra: { user?: string; timeZone?: string; document?: string } = {}) {
  const end = new Date(endTime);
  return {
    focusSession,
    user: extra.user ?? "ada",
    startTime: new Date(end.getTime() - minutes * minute),
    endTime: end,
    durationMs: minutes * minute,
    ...(extra.timeZone && { timeZone: extra.timeZone }),
    ...(extra.document && { document: extra.document }),
  };
}

describe("FocusStats principle", () => {
  it("counts each recorded session once in stats, totals, daily progress and summaries, until it is removed", async () => {
    expect(ok(await stats.recordSession(session("s1", "2026-02-18T10:25:00Z", 25, { document: "book-1" })))).toEqual({ recorded: true });
    ok(await stats.recordSession(session("s2", "2026-02-18T15:00:00Z", 45)));
    ok(await stats.recordSession(session("s3", "2026-02-19T09:00:00Z", 60)));
    expect(await stats.recordSession(session("s1", "2026-02-18T10:25:00Z", 25))).toEqual({ recorded: false });

    const [view] = ok(await stats._viewStats({ user: "ada" }));
    expect(view?.focusStats).toMatchObject({ user: "ada", focusSessionIds: ["s1", "s2", "s3"] });
    expect(await stats._getTotals({ user: "ada" })).toEqual([{ user: "ada", totalFocusMs: 130 * minute, sessionCount: 3 }]);
    expect(await stats._getDailyProgress({ user: "ada" })).toEqual([
      { day: "2026-02-18", focusMs: 70 * minute, sessions: 2 },
      { day: "2026-02-19", focusMs: 60 * minute, sessions: 1 },
    ]);
    expect(await stats._summary({ user: "ada", from: new Date("2026-02-18T00:00:00Z"), to: new Date("2026-02-18T23:59:59Z") })).toEqual([
      { totalFocusMs: 70 * minute, sessionCount: 2 },
    ]);

    expect(await stats.removeSession({ focusSession: "s2" })).toEqual({});
    expect(ok(await stats._viewStats({ user: "ada" }))[0]?.focusStats.focusSessionIds).toEqual(["s1", "s3"]);
    expect(await stats._getTotals({ user: "ada" })).toEqual([{ user: "ada", totalFocusMs: 85 * minute, sessionCount: 2 }]);
    expect(await stats._getDailyProgress({ user: "ada", from: "2026-02-18", to: "2026-02-18" })).toEqual([
      { day: "2026-02-18", focusMs: 25 * minute, sessions: 1 },
    ]);
    expect(await stats._summary({ user: "ada" })).toEqual([{ totalFocusMs: 85 * minute, sessionCount: 2 }]);
  });
});

describe("FocusStats.recordSession", () => {
  it("keeps its own copy of the session, as _getSessions shows it", async () => {
    const recorded = session("s1", "2026-02-18T10:25:00Z", 25, { document: "book-1" });
    ok(await stats.recordSession(recorded));
    ok(await stats.recordSession(session("s2", "2026-02-18T11:00:00Z", 10)));
    expect(await stats._getSessions({ user: "ada" })).toEqual([
      { focusSession: { _id: "s1", user: "ada", document: "book-1", startTime: recorded.startTime, endTime: recorded.endTime } },
      { focusSession: { _id: "s2", user: "ada", document: null, startTime: expect.any(Date), endTime: new Date("2026-02-18T11:00:00Z") } },
    ]);
  });

  it("counts a session that ends at 23:30 in New York on that New York day, though it is the next day in UTC", async () => {
    ok(await stats.recordSession(session("late", "2026-02-19T04:30:00Z", 30, { timeZone: "America/New_York" })));
    ok(await stats.recordSession(session("utc", "2026-02-19T04:30:00Z", 30)));
    expect(await stats._getDailyProgress({ user: "ada" })).toEqual([
      { day: "2026-02-18", focusMs: 30 * minute, sessions: 1 },
      { day: "2026-02-19", focusMs: 30 * minute, sessions: 1 },
    ]);
  });

  it("changes nothing when the same session is recorded again, even with other figures", async () => {
    ok(await stats.recordSession(session("s1", "2026-02-18T10:25:00Z", 25)));
    expect(await stats.recordSession(session("s1", "2026-02-20T10:00:00Z", 90))).toEqual({ recorded: false });
    expect(await stats._getTotals({ user: "ada" })).toEqual([{ user: "ada", totalFocusMs: 25 * minute, sessionCount: 1 }]);
    expect(await stats._getDailyProgress({ user: "ada" })).toEqual([{ day: "2026-02-18", focusMs: 25 * minute, sessions: 1 }]);
  });

  it("counts a session once when 20 record it concurrently", async () => {
    const outputs = await Promise.all(Array.from({ length: 20 }, () => stats.recordSession(session("s1", "2026-02-18T10:25:00Z", 25))));
    expect(outputs.filter((output) => "recorded" in output && output.recorded)).toHaveLength(1);
    expect(await stats._getTotals({ user: "ada" })).toEqual([{ user: "ada", totalFocusMs: 25 * minute, sessionCount: 1 }]);
    expect(await stats._getDailyProgress({ user: "ada" })).toEqual([{ day: "2026-02-18", focusMs: 25 * minute, sessions: 1 }]);
    expect(ok(await stats._viewStats({ user: "ada" }))[0]?.focusStats.focusSessionIds).toEqual(["s1"]);
  });

  it("counts every one of 20 different sessions recorded concurrently for one user", async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, index) => stats.recordSession(session(`s${index}`, "2026-02-18T10:25:00Z", 5))),
    );
    expect(await stats._getTotals({ user: "ada" })).toEqual([{ user: "ada", totalFocusMs: 100 * minute, sessionCount: 20 }]);
    expect(await stats._getDailyProgress({ user: "ada" })).toEqual([{ day: "2026-02-18", focusMs: 100 * minute, sessions: 20 }]);
  });

  it("finishes counting a session whose recording was interrupted, when it is recorded again", async () => {
    const interrupted = session("s1", "2026-02-18T10:25:00Z", 25);
    // The copy was kept, then the process died before the totals were updated.
    await db().collection("FocusStats.sessions").insertOne({
      _id: "s1" as never,
      user: "ada",
      document: null,
      startTime: interrupted.startTime,
      endTime: interrupted.endTime,
      durationMs: interrupted.durationMs,
      timeZone: "UTC",
      day: "2026-02-18",
      tally: "counting",
    });
    expect(await stats.recordSession(interrupted)).toEqual({ recorded: false });
    expect(await stats._getTotals({ user: "ada" })).toEqual([{ user: "ada", totalFocusMs: 25 * minute, sessionCount: 1 }]);
  });

  it("requires the end not to be before the start, and a known time zone", async () => {
    const backwards = { ...session("s1", "2026-02-18T10:25:00Z", 25), startTime: new Date("2026-02-18T11:00:00Z") };
    expect(await stats.recordSession(backwards)).toHaveProperty("error");
    expect(await stats.recordSession(session("s1", "2026-02-18T10:25:00Z", 25, { timeZone: "Nowhere/Land" }))).toHaveProperty("error");
    expect(await stats._getTotals({ user: "ada" })).toEqual([{ user: "ada", totalFocusMs: 0, sessionCount: 0 }]);
  });

  it("is only for synchronizations", () => {
    expect(FocusStatsConcept.schemas.recordSession.syncOnly).toBe(true);
  });
});

describe("FocusStats.removeSession", () => {
  it("requires the session to be recorded", async () => {
    expect(await stats.removeSession({ focusSession: "nope" })).toMatchObject({ reason: "not_found" });
  });

  it("refuses a user who does not own the session, and changes nothing", async () => {
    ok(await stats.recordSession(session("s1", "2026-02-18T10:25:00Z", 25)));
    expect(await stats.removeSession({ focusSession: "s1", user: "mallory" })).toMatchObject({ reason: "forbidden" });
    expect(await stats._getTotals({ user: "ada" })).toEqual([{ user: "ada", totalFocusMs: 25 * minute, sessionCount: 1 }]);
  });

  it("removes a session once when it is removed twice, concurrently", async () => {
    ok(await stats.recordSession(session("s1", "2026-02-18T10:25:00Z", 25)));
    ok(await stats.recordSession(session("s2", "2026-02-18T11:25:00Z", 5)));
    const outputs = await Promise.all([stats.removeSession({ focusSession: "s1" }), stats.removeSession({ focusSession: "s1" })]);
    expect(outputs.filter((output) => !("error" in output))).toHaveLength(1);
    expect(await stats._getTotals({ user: "ada" })).toEqual([{ user: "ada", totalFocusMs: 5 * minute, sessionCount: 1 }]);
    expect(await stats._getSessions({ user: "ada" })).toHaveLength(1);
  });
});

describe("FocusStats queries", () => {
  it("_viewStats and _getSessions require the user to have stats", async () => {
    expect(await stats._viewStats({ user: "nobody" })).toMatchObject({ error: expect.any(String), reason: "not_found" });
    expect(await stats._getSessions({ user: "nobody" })).toMatchObject({ error: expect.any(String) });
  });

  it("_getTotals answers zeros for a user with nothing recorded", async () => {
    expect(await stats._getTotals({ user: "nobody" })).toEqual([{ user: "nobody", totalFocusMs: 0, sessionCount: 0 }]);
  });

  it("_summary counts sessions whose end lies within from and to, both inclusive, for that user only", async () => {
    ok(await stats.recordSession(session("a", "2026-10-01T00:00:00Z", 10)));
    ok(await stats.recordSession(session("b", "2026-10-15T12:00:00Z", 20)));
    ok(await stats.recordSession(session("c", "2026-10-31T23:59:59Z", 30)));
    ok(await stats.recordSession(session("d", "2026-11-01T00:00:00Z", 40)));
    ok(await stats.recordSession(session("e", "2026-10-15T12:00:00Z", 50, { user: "grace" })));
    const from = new Date("2026-10-01T00:00:00Z");
    const to = new Date("2026-10-31T23:59:59Z");
    expect(await stats._summary({ user: "ada", from, to })).toEqual([{ totalFocusMs: 60 * minute, sessionCount: 3 }]);
    expect(await stats._summary({ user: "ada", from: new Date("2026-10-15T12:00:00Z") })).toEqual([{ totalFocusMs: 90 * minute, sessionCount: 3 }]);
    expect(await stats._summary({ user: "ada", to: from })).toEqual([{ totalFocusMs: 10 * minute, sessionCount: 1 }]);
    expect(await stats._summary({ user: "nobody" })).toEqual([{ totalFocusMs: 0, sessionCount: 0 }]);
  });

  it("keeps the (user, endTime, _id) index that _getSessions sorts by and _summary's aggregation matches on", async () => {
    ok(await stats.recordSession(session("a", "2026-10-01T00:00:00Z", 10)));
    const indexes = await db().collection("FocusStats.sessions").indexes();
    expect(indexes.map((index) => index.key)).toContainEqual({ user: 1, endTime: 1, _id: 1 });
  });

  it("_getDailyProgress keeps to the inclusive day range", async () => {
    for (const [id, end] of [["a", "2026-02-17T12:00:00Z"], ["b", "2026-02-18T12:00:00Z"], ["c", "2026-02-19T12:00:00Z"]] as const) {
      ok(await stats.recordSession(session(id, end, 10)));
    }
    expect((await stats._getDailyProgress({ user: "ada", from: "2026-02-18" })).map((row) => row.day)).toEqual(["2026-02-18", "2026-02-19"]);
    expect((await stats._getDailyProgress({ user: "ada", to: "2026-02-18" })).map((row) => row.day)).toEqual(["2026-02-17", "2026-02-18"]);
  });
});

describe("FocusStats at scale", () => {
  it("keeps each tally document small however many sessions a user records", async () => {
    for (let index = 0; index < 300; index++) await stats.recordSession(session(`bulk-${index}`, "2026-02-18T10:25:00Z", 1));
    const tally = await db().collection("FocusStats.stats").findOne({ user: "ada" });
    expect(tally?.sessionCount).toBe(300);
    expect((tally?.recent as string[]).length).toBeLessThanOrEqual(200);
    expect(ok(await stats._viewStats({ user: "ada" }))[0]?.focusStats.focusSessionIds).toHaveLength(300);
  });
});
