/**
 * The crash window between a session ending and the engine recording that it ended: the
 * session is completed in the database, the process dies before the record of FocusSession.end
 * is written, so no completion sync has fired. After a restart the statistics, the daily
 * progress, the streak and the badges count the session exactly once, whether the end was
 * invoked directly (`POST /api/FocusSession/end`) or run by a REST dialect's sync.
 */
import type { Db } from "mongodb";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FocusSessionConcept } from "../../src/concepts/FocusSession/FocusSessionConcept.ts";
import { asService } from "../http/harness.ts";
import { focusApp, send, type FocusApp } from "../support/app.ts";
import { countLogged } from "../support/action-log.ts";
import { testDatabase, type TestDatabase } from "../support/database.ts";

let database: TestDatabase;
let db: Db;

beforeEach(async () => {
  database = await testDatabase();
  db = database.db;
});
afterEach(async () => {
  await database.close();
});

const minute = 60_000;
const flowBase = "/api/flow/v1/sessions";
const asFlowUser = (user: string) => ({ ...asService, "x-user-id": user });

function call(app: FocusApp["app"], operation: string, body: object) {
  return send(app, "POST", `/api/${operation}`, { body, headers: asService });
}

/**
 * An engine that dies right after FocusSession.end took effect: the session is ended in the
 * database, and the end never answers, so its record is never written. The lease of 0 s makes
 * the flow it leaves count as abandoned at once, as after a kill -9.
 */
async function appDyingAfterEnd(): Promise<{ app: FocusApp; ended: Promise<void> }> {
  let reached!: () => void;
  const ended = new Promise<void>((resolve) => (reached = resolve));
  class DyingFocusSession extends FocusSessionConcept {
    override async end(...args: Parameters<FocusSessionConcept["end"]>): ReturnType<FocusSessionConcept["end"]> {
      const output = await super.end(...args);
      if (!("error" in output)) reached();
      return new Promise(() => undefined);
    }
  }
  const app = await focusApp(db, { instances: { FocusSession: new DyingFocusSession(db) }, engine: { leaseSeconds: 0 } });
  return { app, ended };
}

async function figures(app: FocusApp["app"], user: string) {
  const [totals, daily, streak, badges, sessions] = await Promise.all([
    call(app, "FocusStats/_getTotals", { user }),
    call(app, "FocusStats/_getDailyProgress", { user }),
    call(app, "Streak/_getStreak", { user }),
    call(app, "Badge/_getUserBadges", { user }),
    call(app, "FocusSession/_listSessions", { user }),
  ]);
  const [{ totalFocusMs, sessionCount }] = totals.body;
  const [{ current, longest }] = streak.body;
  return {
    totalFocusMs,
    sessionCount,
    daily: daily.body,
    current,
    longest,
    badges: badges.body.map((badge: { name: string }) => badge.name),
    statuses: sessions.body.map((session: { status: string }) => session.status),
  };
}

/** Restarts on the same database: the stopped engine's flow is finished; then once more, which must change nothing. */
async function restartTwice(user: string) {
  const restarted = await focusApp(db);
  const once = await figures(restarted.app, user);
  await restarted.engine.stop();
  const again = await focusApp(db);
  const twice = await figures(again.app, user);
  await again.engine.stop();
  return { once, twice };
}

describe("FocusSession.end done, its record lost in a crash", () => {
  it("an end invoked directly counts the session once after a restart", async () => {
    const { app: dying, ended } = await appDyingAfterEnd();
    const started = await call(dying.app, "FocusSession/start", { user: "wal-ada", startedAt: "2026-02-18T08:00:00.000Z" });
    const { session } = started.body;
    void call(dying.app, "FocusSession/end", { session, status: "completed", elapsedMs: 25 * minute, endedAt: "2026-02-18T08:25:00.000Z" });
    await ended;
    await dying.engine.stop(); // what the dying process had already written
    const lost = await figures(dying.app, "wal-ada");
    expect(lost).toMatchObject({ statuses: ["completed"], sessionCount: 0, longest: 0, badges: [] });

    const { once, twice } = await restartTwice("wal-ada");
    expect(once).toEqual({
      totalFocusMs: 25 * minute,
      sessionCount: 1,
      daily: [{ day: "2026-02-18", focusMs: 25 * minute, sessions: 1 }],
      current: expect.any(Number),
      longest: 1,
      badges: ["First Study"],
      statuses: ["completed"],
    });
    expect(twice).toEqual(once);
    expect(await countLogged(db, "engine", "FocusSession.end", (record) => (record.output as { session?: string }).session === session)).toBe(1);
  });

  it("an end run by a REST dialect's sync (seed 002's PATCH .../end) counts the session once after a restart", async () => {
    const { app: dying, ended } = await appDyingAfterEnd();
    const started = await send(dying.app, "POST", flowBase, { body: { duration_seconds: 1500 }, headers: asFlowUser("wal-bob") });
    expect(started.status).toBe(201);
    const { id } = started.body.data;
    void send(dying.app, "PATCH", `${flowBase}/${id}/end`, { body: { elapsed_seconds: 1500, status: "completed" }, headers: asFlowUser("wal-bob") });
    await ended;
    await dying.engine.stop();
    expect(await figures(dying.app, "wal-bob")).toMatchObject({ statuses: ["completed"], sessionCount: 0, longest: 0, badges: [] });

    const { once, twice } = await restartTwice("wal-bob");
    expect(once).toMatchObject({ totalFocusMs: 25 * minute, sessionCount: 1, longest: 1, badges: ["First Study"], statuses: ["completed"] });
    expect(once.daily).toEqual([expect.objectContaining({ focusMs: 25 * minute, sessions: 1 })]);
    expect(twice).toEqual(once);
  });

});
