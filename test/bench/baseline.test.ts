/**
 * The compare benchmark's yardstick (`bench/baseline/`) answers seed 004 as the project does:
 * started as its own process on the suite's database, called over HTTP, and read back from
 * its collections where the routes show nothing (the streak).
 */
import { randomBytes } from "node:crypto";
import { MongoClient, type Db } from "mongodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { nextStreak } from "../../bench/baseline/progress.ts";
import { startScript, type ScriptProcess } from "../../bench/support/processes.ts";

const apiKey = "baseline-test-key";
const headers = { "content-type": "application/json", "x-api-key": apiKey };
const dayMs = 24 * 60 * 60 * 1000;
/** Midday UTC, ten days ago: sessions on consecutive days from there stay in the past. */
const firstDay = Math.floor(Date.now() / dayMs - 10) * dayMs + 12 * 60 * 60 * 1000;

let baseline: ScriptProcess;
let url: string;
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  const dbName = `baseline_${randomBytes(4).toString("hex")}`;
  client = await MongoClient.connect(inject("mongoUri"));
  db = client.db(dbName);
  baseline = await startScript("bench/baseline/server.ts", { MONGODB_URL: inject("mongoUri"), MONGODB_DB: dbName, PORT: "0", API_KEY: apiKey }, /listening on (http:\/\/\S+)/);
  url = baseline.ready[0]!;
});

afterAll(async () => {
  await baseline?.stop();
  await db?.dropDatabase().catch(() => undefined);
  await client?.close();
});

interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

async function call<T = Record<string, unknown>>(method: string, path: string, body?: object): Promise<Answer<T>> {
  const response = await fetch(`${url}${path}`, { method, headers, ...(body && { body: JSON.stringify(body) }) });
  return { status: response.status, body: (await response.json()) as T };
}

interface StudySession {
  id: string;
  status: string;
  startTimestamp: number;
  endStudyTimestamp: number | null;
  sessionLength: number | null;
}

type Completed = { session: StudySession; newBadgesEarned: { id: string }[]; badgeCount: number };

/** A 30-minute session ending at `end`, started and completed through the routes. */
async function studyUntil(userId: string, end: number): Promise<Completed> {
  const started = await call<{ session: StudySession }>("POST", "/api/v1/sessions", { userId, subject: "Calculus", startTimestamp: end - 30 * 60_000 });
  expect(started.status).toBe(201);
  const completed = await call<Completed>("PATCH", `/api/v1/sessions/${started.body.session.id}`, { endStudyTimestamp: new Date(end).toISOString() });
  expect(completed.status).toBe(200);
  return completed.body;
}

describe("the baseline's seed 004 routes", () => {
  it("start a session with 201 and refuse a second running one with 409, even when the starts race", async () => {
    const started = await call<{ session: StudySession }>("POST", "/api/v1/sessions", { userId: "starter", subject: "Calculus", targetDurationMillis: 3_600_000 });
    expect(started.status).toBe(201);
    expect(started.body.session).toMatchObject({ userId: "starter", subject: "Calculus", status: "in_progress", endStudyTimestamp: null, targetDurationMillis: 3_600_000, sessionLength: null, notes: null });
    expect((await call("POST", "/api/v1/sessions", { userId: "starter", subject: "Physics" })).status).toBe(409);

    const racing = await Promise.all(Array.from({ length: 6 }, () => call("POST", "/api/v1/sessions", { userId: "racer", subject: "Calculus" })));
    expect(racing.map((answer) => answer.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
  });

  it("refuse what the project refuses, in the seed's words", async () => {
    expect(await call("POST", "/api/v1/sessions", { subject: "Calculus" })).toEqual({ status: 400, body: { error: "userId is required" } });
    expect(await call("POST", "/api/v1/sessions", { userId: "someone" })).toEqual({ status: 400, body: { error: "subject is required" } });
    expect(await call("PATCH", "/api/v1/sessions/nobody", { endStudyTimestamp: Date.now() })).toEqual({ status: 404, body: { error: "Session not found" } });
    expect((await call("GET", "/api/v1/sessions")).body).toEqual({ error: "userId query parameter is required" });
    expect((await call("GET", "/api/v1/sessions?userId=someone&limit=0")).body).toEqual({ error: "limit must be a positive integer" });
    const anonymous = await fetch(`${url}/api/v1/sessions?userId=someone`);
    expect(anonymous.status).toBe(401);
  });

  it("count a completion in the summary, the streak (calendar days) and the badges, and answer an ended session 409", async () => {
    const user = "studier";
    const first = await studyUntil(user, firstDay);
    expect(first.session).toMatchObject({ status: "completed", endStudyTimestamp: firstDay, sessionLength: 30 * 60_000 });
    expect(first.newBadgesEarned.map((badge) => badge.id)).toEqual(["first-study"]);
    expect(first.badgeCount).toBe(1);
    expect((await call("PATCH", `/api/v1/sessions/${first.session.id}`, { endStudyTimestamp: firstDay })).status).toBe(409);

    // Same day: the streak stays; next day: +1; the third day in a row earns the three-day badge.
    await studyUntil(user, firstDay + 60 * 60_000);
    await studyUntil(user, firstDay + dayMs);
    const third = await studyUntil(user, firstDay + 2 * dayMs);
    expect(third.newBadgesEarned.map((badge) => badge.id)).toEqual(["three-day-streak"]);
    expect(third.badgeCount).toBe(2);
    expect((await db.collection("userStats").findOne({ _id: user as never }))?.streak).toEqual({ current: 3, longest: 3, lastActiveDay: dayOf(firstDay + 2 * dayMs) });

    // A gap of more than a day starts again at 1, keeping the longest.
    await studyUntil(user, firstDay + 5 * dayMs);
    expect((await db.collection("userStats").findOne({ _id: user as never }))?.streak).toEqual({ current: 1, longest: 3, lastActiveDay: dayOf(firstDay + 5 * dayMs) });

    expect((await call("GET", `/api/v1/sessions/summary?userId=${user}`)).body).toEqual({ totalTimeStudied: 5 * 30 * 60_000, timesStudied: 5 });
    const firstTwoDays = `from=${dayOf(firstDay)}&to=${dayOf(firstDay + dayMs)}`;
    expect((await call("GET", `/api/v1/sessions/summary?userId=${user}&${firstTwoDays}`)).body).toEqual({ totalTimeStudied: 3 * 30 * 60_000, timesStudied: 3 });
    expect((await call("GET", "/api/v1/sessions/summary?userId=nobody")).body).toEqual({ totalTimeStudied: 0, timesStudied: 0 });
  });

  it("list a user's sessions newest end first, running ones last, with filters and a limit", async () => {
    const user = "lister";
    const ends = [firstDay, firstDay + dayMs, firstDay + 2 * dayMs];
    for (const end of ends) await studyUntil(user, end);
    const running = await call<{ session: StudySession }>("POST", "/api/v1/sessions", { userId: user, subject: "Physics" });

    const all = await call<{ sessions: StudySession[] }>("GET", `/api/v1/sessions?userId=${user}`);
    expect(all.body.sessions.map((session) => session.endStudyTimestamp)).toEqual([...ends].reverse().concat(null as never));
    const limited = await call<{ sessions: StudySession[] }>("GET", `/api/v1/sessions?userId=${user}&limit=2`);
    expect(limited.body.sessions.map((session) => session.endStudyTimestamp)).toEqual([ends[2], ends[1]]);
    const inProgress = await call<{ sessions: StudySession[] }>("GET", `/api/v1/sessions?userId=${user}&status=in_progress`);
    expect(inProgress.body.sessions.map((session) => session.id)).toEqual([running.body.session.id]);
    const after = await call<{ sessions: StudySession[] }>("GET", `/api/v1/sessions?userId=${user}&endedAfter=${ends[1]}`);
    expect(after.body.sessions).toHaveLength(2);
  });

  it("serve FocusStats/_viewStats in the project's shape: the completed sessions' ids, earliest end first", async () => {
    const user = "viewer";
    const ids = [];
    for (const end of [firstDay, firstDay + dayMs]) ids.push((await studyUntil(user, end)).session.id);
    expect(await call("POST", "/api/FocusStats/_viewStats", { user })).toEqual({ status: 200, body: [{ focusStats: { id: user, user, focusSessionIds: ids } }] });
    expect(await call("POST", "/api/FocusStats/_viewStats", { user: "nobody" })).toEqual({ status: 404, body: { error: "no focus stats for user nobody" } });
  });
});

describe("the baseline's progress rules", () => {
  it("count streak days as calendar days: same day unchanged, next day +1, a gap back to 1, longest kept", () => {
    const one = nextStreak(undefined, "2025-03-01");
    expect(one).toEqual({ current: 1, longest: 1, lastActiveDay: "2025-03-01" });
    expect(nextStreak(one, "2025-03-01")).toBe(one);
    const two = nextStreak(one, "2025-03-02");
    expect(two).toEqual({ current: 2, longest: 2, lastActiveDay: "2025-03-02" });
    expect(nextStreak(two, "2025-03-01")).toBe(two);
    expect(nextStreak(two, "2025-03-04")).toEqual({ current: 1, longest: 2, lastActiveDay: "2025-03-04" });
  });
});

function dayOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}
