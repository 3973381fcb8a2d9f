import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FocusStatsConcept } from "../../src/concepts/FocusStats/FocusStatsConcept.ts";
import { JsonRows, rowsOfBatch, type RowBatch } from "../../src/engine/concept.ts";
import { useConceptDatabase } from "./concept-database.ts";
import { commandLog, Killed, killedAfterWrites, type CommandLog } from "./database-probes.ts";
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
    expect(ok(await stats.recordSession(session("s1", "2026-02-18T10:25:00Z", 25, { document: "book-1" })))).toEqual({
      recorded: true,
      sessionCount: 1,
      totalFocusMs: 25 * minute,
    });
    ok(await stats.recordSession(session("s2", "2026-02-18T15:00:00Z", 45)));
    ok(await stats.recordSession(session("s3", "2026-02-19T09:00:00Z", 60)));
    expect(await stats.recordSession(session("s1", "2026-02-18T10:25:00Z", 25))).toEqual({ recorded: false, sessionCount: 3, totalFocusMs: 130 * minute });

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
    expect(await stats.recordSession(session("s1", "2026-02-20T10:00:00Z", 90))).toEqual({ recorded: false, sessionCount: 1, totalFocusMs: 25 * minute });
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

  it("finishes counting a session whose recording an earlier version left interrupted, when it is recorded again", async () => {
    const interrupted = session("s1", "2026-02-18T10:25:00Z", 25);
    // An earlier version kept the copy (tally "counting"), then its process died before the totals were updated.
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
    expect(await stats.recordSession(interrupted)).toEqual({ recorded: false, sessionCount: 1, totalFocusMs: 25 * minute });
    expect(await stats._getTotals({ user: "ada" })).toEqual([{ user: "ada", totalFocusMs: 25 * minute, sessionCount: 1 }]);
    expect(await stats._getDailyProgress({ user: "ada" })).toEqual([{ day: "2026-02-18", focusMs: 25 * minute, sessions: 1 }]);
    expect(await db().collection("FocusStats.sessions").findOne({ _id: "s1" as never })).toMatchObject({ tally: "counted" });
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

  it("_getSessions pages back through a history: limit answers the latest, before those that ended earlier, each page earliest first", async () => {
    for (const [id, end] of [["a", "2026-02-17T12:00:00Z"], ["b", "2026-02-18T12:00:00Z"], ["c", "2026-02-19T12:00:00Z"], ["d", "2026-02-20T12:00:00Z"], ["e", "2026-02-21T12:00:00Z"]] as const) {
      ok(await stats.recordSession(session(id, end, 10)));
    }
    ok(await stats.recordSession(session("other", "2026-02-19T13:00:00Z", 10, { user: "grace" })));
    const ids = (rows: Awaited<ReturnType<typeof stats._getSessions>>) => ok(rows).map((row) => row.focusSession._id);
    const pages: string[][] = [];
    let before: Date | undefined;
    for (;;) {
      const page = ok(await stats._getSessions({ user: "ada", limit: 2, ...(before && { before }) }));
      if (page.length === 0) break;
      pages.push(page.map((row) => row.focusSession._id));
      before = page[0]!.focusSession.endTime!;
    }
    expect(pages).toEqual([["d", "e"], ["b", "c"], ["a"]]);
    expect(ids(await stats._getSessions({ user: "ada", before: new Date("2026-02-19T12:00:00Z") }))).toEqual(["a", "b"]);
    expect(ids(await stats._getSessions({ user: "ada" }))).toEqual(["a", "b", "c", "d", "e"]);
    // The seed's shape, whatever the paging.
    expect(ok(await stats._getSessions({ user: "ada", limit: 1 }))).toEqual([
      { focusSession: { _id: "e", user: "ada", document: null, startTime: new Date("2026-02-21T11:50:00Z"), endTime: new Date("2026-02-21T12:00:00Z") } },
    ]);
    // A user with stats but nothing before the bound answers none; one without stats, the error.
    expect(await stats._getSessions({ user: "ada", before: new Date("2026-01-01T00:00:00Z") })).toEqual([]);
    expect(await stats._getSessions({ user: "nobody", limit: 1 })).toMatchObject({ reason: "not_found" });
  });

  it("_getSessions reads a long history in batches (so other requests run between them), and a page in one read", async () => {
    const count = 12_000;
    const first = Date.UTC(2025, 0, 1);
    const records = Array.from({ length: count }, (_, index) => {
      const endTime = new Date(first + index * 60_000);
      return { _id: `bulk-${String(index).padStart(5, "0")}`, user: "ada", document: null, startTime: new Date(endTime.getTime() - 30_000), endTime, durationMs: 30_000, timeZone: "UTC", day: "2025-01-01", tally: "adding", padding: "x".repeat(200) };
    });
    ok(await stats.recordSession(session("latest", "2026-02-18T10:25:00Z", 1)));
    await db().collection<{ _id: string }>("FocusStats.sessions").insertMany(records);
    const log = await commandLog(db());
    try {
      const logged = new FocusStatsConcept(log.db);
      const whole = ok(await logged._getSessions({ user: "ada" }));
      expect(whole).toHaveLength(count + 1);
      expect(whole.map((row) => row.focusSession._id)).toEqual([...records.map((record) => record._id), "latest"]);
      expect(Object.keys(whole[0]!.focusSession).sort()).toEqual(["_id", "document", "endTime", "startTime", "user"]);
      const commands = log.take().filter((command) => !command.startsWith("createIndexes"));
      expect(commands[0]).toBe("find FocusStats.sessions");
      expect(commands.filter((command) => command.startsWith("getMore")).length).toBeGreaterThanOrEqual(2);

      const page = ok(await logged._getSessions({ user: "ada", limit: 3 }));
      expect(page.map((row) => row.focusSession._id)).toEqual(["bulk-11998", "bulk-11999", "latest"]);
      expect(log.take()).toEqual(["find FocusStats.sessions"]);

      // Whole histories asked for at once are read one after another, each answered in full.
      const together = await Promise.all([1, 2, 3].map(() => logged._getSessions({ user: "ada" })));
      expect(together.map((rows) => ok(rows).length)).toEqual([count + 1, count + 1, count + 1]);
    } finally {
      await log.close();
    }
  });

  it("_getSessionsBatches answers _getSessions' rows a bounded batch at a time, and closes its cursor when the reader stops early", async () => {
    const count = 6_000;
    const first = Date.UTC(2025, 0, 1);
    const records = Array.from({ length: count }, (_, index) => {
      const endTime = new Date(first + index * 60_000);
      return { _id: `bulk-${String(index).padStart(5, "0")}`, user: "ada", document: null, startTime: new Date(endTime.getTime() - 30_000), endTime, durationMs: 30_000, timeZone: "UTC", day: "2025-01-01", tally: "adding" };
    });
    ok(await stats.recordSession(session("latest", "2026-02-18T10:25:00Z", 1)));
    await db().collection<{ _id: string }>("FocusStats.sessions").insertMany(records);
    const whole = ok(await stats._getSessions({ user: "ada" }));

    const batches = ok(await stats._getSessionsBatches({ user: "ada" }));
    const streamed: unknown[] = [];
    const sizes: number[] = [];
    const texts: string[] = [];
    for await (const batch of batches) {
      const rows = rowsOfBatch(batch);
      sizes.push(rows.length);
      streamed.push(...rows);
      if (batch instanceof JsonRows) texts.push(batch.text());
    }
    // Written as JSON from the records' bytes: the very text of `_getSessions`' rows stringified.
    expect(texts).toHaveLength(sizes.length);
    expect(`[${texts.join(",")}]`).toBe(JSON.stringify(whole));
    expect(streamed).toEqual(asClientReads(whole));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1_000);
    expect(sizes.length).toBeGreaterThanOrEqual(Math.ceil((count + 1) / 1_000));

    const log = await commandLog(db());
    try {
      const logged = new FocusStatsConcept(log.db);
      for await (const batch of ok(await logged._getSessionsBatches({ user: "ada" }))) {
        expect(rowsOfBatch(batch)[0]).toMatchObject({ focusSession: { _id: "bulk-00000" } });
        break;
      }
      expect(log.take().filter((command) => !command.startsWith("createIndexes"))).toEqual(["find FocusStats.sessions", "killCursors FocusStats.sessions"]);
      // Replies hold up to 5,000 records (the embedded database may cut one short under load,
      // never below 1,024), written 1,000 rows a slice: fewer replies than slices.
      for await (const batch of ok(await logged._getSessionsBatches({ user: "ada" }))) rowsOfBatch(batch);
      const replies = log.take().filter((command) => /^(find|getMore) /.test(command));
      expect(replies.length).toBeLessThan(sizes.length);
    } finally {
      await log.close();
    }

    expect(await stats._getSessionsBatches({ user: "nobody" })).toMatchObject({ reason: "not_found" });
    expect(await stats._getSessionsBatches({ user: "ada", before: new Date("2024-01-01T00:00:00Z") })).toEqual([]);
    expect([...(ok(await stats._getSessionsBatches({ user: "ada", limit: 2 })) as Iterable<RowBatch>)].map(rowsOfBatch)).toEqual([asClientReads(whole.slice(-2))]);
    // A long page is written a batch at a time too.
    const page = [...(ok(await stats._getSessionsBatches({ user: "ada", limit: 2_500 })) as Iterable<RowBatch>)].map(rowsOfBatch);
    expect(page.map((rows) => rows.length)).toEqual([1_000, 1_000, 500]);
    expect(page.flat()).toEqual(asClientReads(whole.slice(-2_500)));
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

  it("_summary takes a bare date as a whole day: the sessions counted on it, as daily progress counts them (issue 28)", async () => {
    ok(await stats.recordSession(session("oct-31", "2025-10-31T15:00:00Z", 30)));
    // 00:30 on 11 February in Kolkata is 19:00Z on the 10th: it counts on the 11th.
    ok(await stats.recordSession(session("kolkata", "2026-02-10T19:00:00Z", 20, { timeZone: "Asia/Kolkata" })));
    // 23:30 on 10 February in New York is 04:30Z on the 11th: it counts on the 10th.
    ok(await stats.recordSession(session("new-york", "2026-02-11T04:30:00Z", 10, { timeZone: "america/new_york" })));
    expect(await stats._summary({ user: "ada", from: "2025-10-01", to: "2025-10-31" })).toEqual([{ totalFocusMs: 30 * minute, sessionCount: 1 }]);
    expect(await stats._summary({ user: "ada", from: "2026-02-11", to: "2026-02-11" })).toEqual([{ totalFocusMs: 20 * minute, sessionCount: 1 }]);
    expect(await stats._summary({ user: "ada", from: "2026-02-10", to: "2026-02-10" })).toEqual([{ totalFocusMs: 10 * minute, sessionCount: 1 }]);
    const days = await stats._getDailyProgress({ user: "ada", from: "2026-02-10", to: "2026-02-11" });
    expect(days).toEqual([
      { day: "2026-02-10", focusMs: 10 * minute, sessions: 1 },
      { day: "2026-02-11", focusMs: 20 * minute, sessions: 1 },
    ]);
    // A bare date and a time mix; a bound in the future is a bound like any other.
    expect(await stats._summary({ user: "ada", from: new Date("2026-02-10T19:00:00Z"), to: "2099-12-31" })).toEqual([{ totalFocusMs: 30 * minute, sessionCount: 2 }]);
    expect(FocusStatsConcept.schemas._summary.input.parse({ user: "ada", to: "2025-10-31" })).toEqual({ user: "ada", to: "2025-10-31" });
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

describe("FocusStats in database commands", () => {
  let log: CommandLog;
  let watched: FocusStatsConcept;
  const sent = () => log.take();

  beforeAll(async () => {
    log = await commandLog(db());
  });
  afterAll(async () => {
    await log.close();
  });
  beforeEach(async () => {
    watched = new FocusStatsConcept(log.db);
    await watched.ensureIndexes();
    sent();
  });

  it("records a session in three: its copy, the totals (which answer the new figures), its day", async () => {
    const recording = ["insert FocusStats.sessions", "findAndModify FocusStats.stats", "findAndModify FocusStats.dailyProgress"];
    expect(await watched.recordSession(session("s1", "2026-02-18T10:25:00Z", 25))).toEqual({ recorded: true, sessionCount: 1, totalFocusMs: 25 * minute });
    expect(sent()).toEqual(recording);
    expect(await watched.recordSession(session("s2", "2026-02-19T10:25:00Z", 5))).toEqual({ recorded: true, sessionCount: 2, totalFocusMs: 30 * minute });
    expect(sent()).toEqual(recording);
  });

  it("writes nothing but its refused copy when the session is recorded again", async () => {
    ok(await watched.recordSession(session("s1", "2026-02-18T10:25:00Z", 25)));
    sent();
    expect(await watched.recordSession(session("s1", "2026-02-18T10:25:00Z", 25))).toEqual({ recorded: false, sessionCount: 1, totalFocusMs: 25 * minute });
    expect(sent().filter((command) => /^(insert|update|delete|findAndModify) /.test(command))).toEqual(["insert FocusStats.sessions"]);
  });

  it("answers _viewStats in one find, with no getMore, for a history longer than a default first batch", async () => {
    for (let index = 0; index < 150; index++) ok(await watched.recordSession(session(`s${String(index).padStart(3, "0")}`, "2026-02-18T10:25:00Z", 1)));
    sent();
    const [view] = ok(await watched._viewStats({ user: "ada" }));
    expect(sent()).toEqual(["find FocusStats.sessions"]);
    expect(view?.focusStats).toEqual({ id: "ada", user: "ada", focusSessionIds: Array.from({ length: 150 }, (_, index) => `s${String(index).padStart(3, "0")}`) });
  });

  it("answers _viewStats for a user whose every session was removed with no ids, and refuses one never recorded", async () => {
    ok(await watched.recordSession(session("s1", "2026-02-18T10:25:00Z", 25)));
    ok(await watched.removeSession({ focusSession: "s1" }));
    expect(await watched._viewStats({ user: "ada" })).toEqual([{ focusStats: { id: "ada", user: "ada", focusSessionIds: [] } }]);
    expect(await watched._viewStats({ user: "nobody" })).toMatchObject({ reason: "not_found" });
  });
});

describe("FocusStats exactly once, across crashes", () => {
  const s1 = session("s1", "2026-02-18T10:25:00Z", 25);

  /** FocusStats in a process killed right after its `writes`-th write (1: the copy, 2: the totals, 3: the day) reached the server. */
  function dyingAfter(writes: number): FocusStatsConcept {
    return new FocusStatsConcept(killedAfterWrites(db(), writes, ["FocusStats.sessions", "FocusStats.stats", "FocusStats.dailyProgress"]));
  }

  async function expectCountedOnce(): Promise<void> {
    expect(await stats._getTotals({ user: "ada" })).toEqual([{ user: "ada", totalFocusMs: 35 * minute, sessionCount: 2 }]);
    expect(await stats._getDailyProgress({ user: "ada" })).toEqual([
      { day: "2026-02-17", focusMs: 10 * minute, sessions: 1 },
      { day: "2026-02-18", focusMs: 25 * minute, sessions: 1 },
    ]);
    expect(ok(await stats._viewStats({ user: "ada" }))[0]?.focusStats.focusSessionIds).toEqual(["s0", "s1"]);
  }

  beforeEach(async () => {
    ok(await stats.recordSession(session("s0", "2026-02-17T10:00:00Z", 10)));
  });

  // The three writes of a recording: the copy, the totals, the day.
  it.each([1, 2, 3])("counts a session once when the process died after write %i of its recording and it is recorded again", async (writes) => {
    const dying = dyingAfter(writes);
    await dying.ensureIndexes();
    await expect(dying.recordSession(s1)).rejects.toThrow(Killed);

    expect(await stats.recordSession(s1)).toEqual({ recorded: false, sessionCount: 2, totalFocusMs: 35 * minute });
    await expectCountedOnce();
    expect(await stats.recordSession(s1)).toEqual({ recorded: false, sessionCount: 2, totalFocusMs: 35 * minute });
    await expectCountedOnce();
  });

  it.each([1, 2])("counts it once when several processes record it at once after a death after write %i", async (writes) => {
    const dying = dyingAfter(writes);
    await dying.ensureIndexes();
    await expect(dying.recordSession(s1)).rejects.toThrow(Killed);

    const connections = await Promise.all([0, 1, 2].map(() => commandLog(db())));
    try {
      const processes = connections.map((connection) => new FocusStatsConcept(connection.db));
      const outputs = await Promise.all(Array.from({ length: 12 }, (_, index) => processes[index % 3]!.recordSession(s1)));
      expect(outputs.every((output) => !("error" in output) && !output.recorded)).toBe(true);
    } finally {
      await Promise.all(connections.map((connection) => connection.close()));
    }
    await expectCountedOnce();
  });

  it("counts it once when recorded again long after, when the totals no longer hold its marker", async () => {
    ok(await stats.recordSession(s1));
    for (let index = 0; index < 210; index++) ok(await stats.recordSession(session(`later-${index}`, "2026-02-19T10:00:00Z", 0)));
    expect(await stats.recordSession(s1)).toEqual({ recorded: false, sessionCount: 212, totalFocusMs: 35 * minute });
  });

  it("counts it once when recorded again long after a death after its copy, however many sessions came between", async () => {
    const dying = dyingAfter(1);
    await dying.ensureIndexes();
    await expect(dying.recordSession(s1)).rejects.toThrow(Killed);
    for (let index = 0; index < 210; index++) ok(await stats.recordSession(session(`later-${index}`, "2026-02-19T10:00:00Z", 0)));
    expect(await stats.recordSession(s1)).toEqual({ recorded: false, sessionCount: 212, totalFocusMs: 35 * minute });
    expect(await stats._getDailyProgress({ user: "ada", to: "2026-02-18" })).toEqual([
      { day: "2026-02-17", focusMs: 10 * minute, sessions: 1 },
      { day: "2026-02-18", focusMs: 25 * minute, sessions: 1 },
    ]);
  });

  it.each([1, 2])("takes out exactly what was added when a session whose recording died after write %i is removed", async (writes) => {
    const dying = dyingAfter(writes);
    await dying.ensureIndexes();
    await expect(dying.recordSession(s1)).rejects.toThrow(Killed);

    expect(await stats.removeSession({ focusSession: "s1" })).toEqual({});
    expect(await stats._getTotals({ user: "ada" })).toEqual([{ user: "ada", totalFocusMs: 10 * minute, sessionCount: 1 }]);
    expect(await stats._getDailyProgress({ user: "ada" })).toEqual([{ day: "2026-02-17", focusMs: 10 * minute, sessions: 1 }]);
  });
});

/** Rows as a client reads them from JSON (dates as ISO strings). */
function asClientReads(rows: unknown[]): unknown[] {
  return JSON.parse(JSON.stringify(rows)) as unknown[];
}

describe("FocusStats._summaryMany (one turn's summaries, asked together by the engine)", () => {
  it("answers each input, in order, as _summary does: totals of many users in one read, bounded ones on their own", async () => {
    ok(await stats.recordSession(session("s1", "2026-02-18T10:25:00Z", 25)));
    ok(await stats.recordSession(session("s2", "2026-02-19T09:00:00Z", 60)));
    ok(await stats.recordSession(session("g1", "2026-02-18T12:00:00Z", 30, { user: "grace" })));
    const inputs = [
      { user: "ada" },
      { user: "nobody" },
      { user: "grace" },
      { user: "ada", from: "2026-02-19" },
      { user: "ada" },
    ];
    const one = await Promise.all(inputs.map((input) => stats._summary(input)));
    expect(await stats._summaryMany(inputs)).toEqual(one);
    expect(one.map((rows) => rows[0]?.totalFocusMs)).toEqual([85 * minute, 0, 30 * minute, 60 * minute, 85 * minute]);
  });
});
