/**
 * Completing a focus session feeds the statistics, the streak and the badges, through the
 * completion syncs, exactly once: whatever the number of concurrent end requests, and
 * across a crash between the session ending and its statistics being written.
 */
import type { Db } from "mongodb";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FocusStatsConcept } from "../../src/concepts/FocusStats/FocusStatsConcept.ts";
import { testDatabase, type TestDatabase } from "../support/database.ts";
import { asService, asUser } from "../http/harness.ts";
import { focusApp, send, type Answer, type FocusApp } from "../support/app.ts";

let database: TestDatabase;
let db: Db;
let focus: FocusApp;

beforeEach(async () => {
  database = await testDatabase();
  db = database.db;
  focus = await focusApp(db);
});
afterEach(async () => {
  await focus.engine.stop();
  await database.close();
});

const minute = 60_000;

function call(app: FocusApp["app"], operation: string, body: object): Promise<Answer> {
  return send(app, "POST", `/api/${operation}`, { body, headers: asService });
}

async function startSession(app: FocusApp["app"], user: string, extra: object = {}): Promise<string> {
  const started = await call(app, "FocusSession/start", { user, startedAt: "2026-02-18T08:00:00.000Z", ...extra });
  expect(started.status).toBe(200);
  return started.body.session;
}

function endSession(app: FocusApp["app"], session: string, status: string, endedAt = "2026-02-18T08:25:00.000Z") {
  return call(app, "FocusSession/end", { session, status, elapsedMs: 25 * minute, endedAt });
}

async function figures(app: FocusApp["app"], user: string) {
  const [totals, daily, streak, badges] = await Promise.all([
    call(app, "FocusStats/_getTotals", { user }),
    call(app, "FocusStats/_getDailyProgress", { user }),
    call(app, "Streak/_getStreak", { user }),
    call(app, "Badge/_getUserBadges", { user }),
  ]);
  const [{ totalFocusMs, sessionCount }] = totals.body;
  const [{ longest, lastActiveDay }] = streak.body;
  return { totalFocusMs, sessionCount, daily: daily.body, longest, lastActiveDay, badges: badges.body.map((badge: { name: string }) => badge.name) };
}

describe("a completed session", () => {
  it("counts in the totals, the daily progress of its own time zone, the streak and the badges", async () => {
    // 23:30 in New York on the 17th is already the 18th in UTC: the day must be New York's.
    const session = await startSession(focus.app, "ada", { startedAt: "2026-02-18T04:00:00.000Z", timeZone: "America/New_York" });
    const ended = await endSession(focus.app, session, "completed", "2026-02-18T04:30:00.000Z");
    expect(ended.status).toBe(200);

    expect(await figures(focus.app, "ada")).toEqual({
      totalFocusMs: 25 * minute,
      sessionCount: 1,
      daily: [{ day: "2026-02-17", focusMs: 25 * minute, sessions: 1 }],
      longest: 1,
      lastActiveDay: "2026-02-17",
      badges: ["First Study"],
    });
  });

  it("on consecutive days grows the streak, and three days award the streak badge", async () => {
    for (const day of ["16", "17", "18"]) {
      const session = await startSession(focus.app, "bo", { startedAt: `2026-02-${day}T08:00:00.000Z` });
      await endSession(focus.app, session, "completed", `2026-02-${day}T08:25:00.000Z`);
    }
    const { sessionCount, longest, badges } = await figures(focus.app, "bo");
    expect({ sessionCount, longest }).toEqual({ sessionCount: 3, longest: 3 });
    expect(badges).toEqual(expect.arrayContaining(["First Study", "Three-Day Streak"]));
  });

  it("leaves the statistics again when it is deleted, keeping streak and badges", async () => {
    const session = await startSession(focus.app, "cy");
    await endSession(focus.app, session, "completed");
    expect((await call(focus.app, "FocusSession/delete", { session })).status).toBe(200);

    const after = await figures(focus.app, "cy");
    expect({ totalFocusMs: after.totalFocusMs, sessionCount: after.sessionCount, daily: after.daily }).toEqual({ totalFocusMs: 0, sessionCount: 0, daily: [] });
    expect({ longest: after.longest, badges: after.badges }).toEqual({ longest: 1, badges: ["First Study"] });
  });
});

describe("removing a session from the statistics (seed 000's removeSession)", () => {
  it("deletes the session itself, so no dialect lists what the seed 004 summary no longer counts", async () => {
    const session = await startSession(focus.app, "eve");
    await endSession(focus.app, session, "completed");
    const listed = async () => {
      const byUser = { ...asService, "x-user-id": "eve" };
      const [study, flow, quests, summary] = await Promise.all([
        send(focus.app, "GET", "/api/v1/sessions?userId=eve", { headers: asService }),
        send(focus.app, "GET", "/api/flow/v1/sessions", { headers: byUser }),
        send(focus.app, "GET", "/focus-sessions", { headers: byUser }),
        send(focus.app, "GET", "/api/v1/sessions/summary?userId=eve", { headers: asService }),
      ]);
      return { study: study.body.sessions.length, flow: flow.body.data.length, quests: quests.body.length, timesStudied: summary.body.timesStudied };
    };
    expect(await listed()).toEqual({ study: 1, flow: 1, quests: 1, timesStudied: 1 });

    expect((await call(focus.app, "FocusStats/removeSession", { focusSession: session })).status).toBe(200);
    expect(await listed()).toEqual({ study: 0, flow: 0, quests: 0, timesStudied: 0 });
    expect((await call(focus.app, "FocusSession/_getSession", { session })).body).toEqual([]);
    // The streak and the badge stay, as when the session is deleted from its own side.
    const after = await figures(focus.app, "eve");
    expect({ sessionCount: after.sessionCount, longest: after.longest, badges: after.badges }).toEqual({ sessionCount: 0, longest: 1, badges: ["First Study"] });
  });

  it("refuses another user's token and deletes nothing", async () => {
    const session = await startSession(focus.app, "fay");
    await endSession(focus.app, session, "completed");
    const mallory = await asUser("mallory");
    const refused = await send(focus.app, "POST", "/api/FocusStats/removeSession", { body: { focusSession: session }, headers: mallory });
    expect(refused.status).toBe(403);
    expect((await call(focus.app, "FocusSession/_getSession", { session })).body).toHaveLength(1);
  });
});

describe("an abandoned or cancelled session", () => {
  it.each(["abandoned", "cancelled"])("changes no statistics, streak or badge when %s", async (status) => {
    const session = await startSession(focus.app, `dee-${status}`);
    expect((await endSession(focus.app, session, status)).status).toBe(200);
    expect(await figures(focus.app, `dee-${status}`)).toEqual({ totalFocusMs: 0, sessionCount: 0, daily: [], longest: 0, lastActiveDay: null, badges: [] });
  });
});

describe("exactly once", () => {
  it("counts a session once when twenty end requests arrive together", async () => {
    const session = await startSession(focus.app, "eve");
    const answers = await Promise.all(Array.from({ length: 20 }, () => endSession(focus.app, session, "completed")));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    expect(answers.filter((answer) => answer.status === 409)).toHaveLength(19);

    const { totalFocusMs, sessionCount, daily, longest, badges } = await figures(focus.app, "eve");
    expect({ totalFocusMs, sessionCount, daily, longest, badges }).toEqual({
      totalFocusMs: 25 * minute,
      sessionCount: 1,
      daily: [{ day: "2026-02-18", focusMs: 25 * minute, sessions: 1 }],
      longest: 1,
      badges: ["First Study"],
    });
  });

  it("finishes, at restart, the counting that a crash interrupted after the session ended", async () => {
    await focus.engine.stop();
    // An engine whose statistics never answer: it "dies" after ending the session, with the
    // recording of statistics and streak persisted as pending but not done.
    let reached!: () => void;
    const recordingReached = new Promise<void>((resolve) => (reached = resolve));
    class HangingFocusStats extends FocusStatsConcept {
      override recordSession(): ReturnType<FocusStatsConcept["recordSession"]> {
        reached();
        return new Promise(() => undefined);
      }
    }
    const crashing = await focusApp(db, { instances: { FocusStats: new HangingFocusStats(db) }, engine: { leaseSeconds: 0 } });
    const session = await startSession(crashing.app, "fay");
    void endSession(crashing.app, session, "completed");
    await recordingReached;
    await crashing.engine.stop(); // what a dying process had already written

    expect(await figures(focus.app, "fay")).toMatchObject({ sessionCount: 0, longest: 0, badges: [] });

    const restarted = await focusApp(db);
    const once = await figures(restarted.app, "fay");
    expect(once).toEqual({
      totalFocusMs: 25 * minute,
      sessionCount: 1,
      daily: [{ day: "2026-02-18", focusMs: 25 * minute, sessions: 1 }],
      longest: 1,
      lastActiveDay: "2026-02-18",
      badges: ["First Study"],
    });
    // A second restart finds nothing left to do and changes nothing.
    await restarted.engine.stop();
    const again = await focusApp(db);
    expect(await figures(again.app, "fay")).toEqual(once);
    await again.engine.stop();
  });
});
