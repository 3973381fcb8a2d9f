/**
 * One user, one calendar (issue 28), through the public API alone, against a trusted time
 * library (luxon): a completed session counts on the local day its end falls on in the
 * user's zone, the same day in daily progress, the streak, seed 004's summary and list and
 * FocusStats' summary, whichever dialect completed it and however the zone was named; a
 * session naming no zone takes the user's last known one; late completions count where they
 * belong; and the server's own zone changes nothing.
 */
import fc from "fast-check";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asService } from "../http/harness.ts";
import { temporaryDir } from "../reliability/harness.ts";
import { send, useFocusApp, type Answer } from "../support/app.ts";
import { startApiServer, type ApiServer } from "../support/server-process.ts";

const focus = useFocusApp();

const flow = "/api/flow/v1/sessions";
const quests = "/focus-sessions";
const study = "/api/v1/sessions";
const zones = ["America/New_York", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kolkata", "America/St_Johns", "Australia/Lord_Howe", "Asia/Kathmandu", "Europe/London", "UTC"];

let users = 0;
function newUser(prefix: string): { user: string; headers: Record<string, string> } {
  const user = `${prefix}-${++users}`;
  return { user, headers: { ...asService, "x-user-id": user } };
}

async function concept(operation: string, body: object) {
  const answer = await send(focus.app, "POST", `/api/${operation}`, { body, headers: asService });
  expect(answer.status, `${operation} ${JSON.stringify(answer.body)}`).toBe(200);
  return answer.body;
}

/** The local day of an instant in a zone, by luxon. */
function localDay(at: Date | string | number, zone: string): string {
  return DateTime.fromJSDate(new Date(at), { zone }).toISODate()!;
}

function plusDays(day: string, days: number): string {
  return DateTime.fromISO(day, { zone: "UTC" }).plus({ days }).toISODate()!;
}

type Naming = "start body" | "end body" | "start header" | "end header";

/** Starts and completes a session for `user` through `dialect`, naming `zone` as `naming` says; answers when it ended. */
async function completeThrough(dialect: "study" | "flow" | "quests", { user, headers }: ReturnType<typeof newUser>, zone: string, naming: Naming, endedAt: number): Promise<Date> {
  const startBody = naming === "start body" ? { timeZone: zone } : {};
  const endBody = naming === "end body" ? { timeZone: zone } : {};
  const startHeaders = naming === "start header" ? { ...headers, "X-Time-Zone": zone } : headers;
  const endHeaders = naming === "end header" ? { ...headers, "X-Time-Zone": zone } : headers;
  if (dialect === "study") {
    const started = await send(focus.app, "POST", study, { body: { userId: user, subject: "Calculus", startTimestamp: endedAt - 1_800_000, ...startBody }, headers: startHeaders });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const ended = await send(focus.app, "PATCH", `${study}/${started.body.session.id}`, { body: { endStudyTimestamp: endedAt, ...endBody }, headers: endHeaders });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    return new Date(ended.body.session.endStudyTimestamp);
  }
  if (dialect === "flow") {
    const started = await send(focus.app, "POST", flow, { body: { duration_seconds: 1500, ...startBody }, headers: startHeaders });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const ended = await send(focus.app, "PATCH", `${flow}/${started.body.data.id}/end`, { body: { status: "completed", elapsed_seconds: 1500, ...endBody }, headers: endHeaders });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    return new Date(ended.body.data.ended_at);
  }
  const started = await send(focus.app, "POST", quests, { body: { duration_minutes: 25, ...startBody }, headers: startHeaders });
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  const ended = await send(focus.app, "PATCH", `${quests}/${started.body.id}`, { body: { status: "completed", ...endBody }, headers: endHeaders });
  expect(ended.status, JSON.stringify(ended.body)).toBe(200);
  return new Date(ended.body.completed_at);
}

async function studySummary(user: string, query: string) {
  const answer = await send(focus.app, "GET", `${study}/summary?userId=${user}&${query}`, { headers: asService });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body as { totalTimeStudied: number; timesStudied: number };
}

describe("the same session through every route", () => {
  it("counts on the local day of its end in the user's zone, in daily progress, streak, summaries and listings alike", async () => {
    // Ends within six hours either side of a local midnight somewhere, on DST nights too (2026-03-08, 2026-11-01 in New York;
    // 2026-04-05 in Lord Howe), or anywhere in between.
    const endedAt = fc.oneof(
      fc.integer({ min: Date.parse("2026-01-05T00:00:00Z"), max: Date.parse("2026-11-20T00:00:00Z") }),
      fc.constantFrom("2026-03-08T05:00:00Z", "2026-11-01T04:00:00Z", "2026-04-04T13:00:00Z", "2026-02-10T18:30:00Z").chain((iso) =>
        fc.integer({ min: -6 * 3_600_000, max: 6 * 3_600_000 }).map((offset) => Date.parse(iso) + offset),
      ),
    );
    const casing = fc.constantFrom<(name: string) => string>((name) => name, (name) => name.toLowerCase());
    const dialect = fc.constantFrom("study" as const, "flow" as const, "quests" as const);
    const naming = fc.constantFrom<Naming>("start body", "end body", "start header", "end header");
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...zones), casing, dialect, naming, endedAt, async (zone, cased, through, named, at) => {
        const who = newUser("same");
        const ended = await completeThrough(through, who, cased(zone), named, at);
        const day = localDay(ended, zone);
        const { user } = who;

        expect(await concept("FocusStats/_getDailyProgress", { user })).toEqual([expect.objectContaining({ day, sessions: 1 })]);
        expect(await concept("Streak/_getStreak", { user })).toEqual([expect.objectContaining({ lastActiveDay: day, longest: 1 })]);
        expect(await concept("Streak/_getTimeZone", { user })).toEqual([{ user, timeZone: zone }]);
        expect(await concept("FocusStats/_summary", { user, from: day, to: day })).toEqual([expect.objectContaining({ sessionCount: 1 })]);
        expect(await concept("FocusStats/_summary", { user, to: plusDays(day, -1) })).toEqual([expect.objectContaining({ sessionCount: 0 })]);
        expect(await studySummary(user, `from=${day}&to=${day}`)).toMatchObject({ timesStudied: 1 });
        expect(await studySummary(user, `from=${plusDays(day, 1)}`)).toMatchObject({ timesStudied: 0 });
        expect(await studySummary(user, `to=${plusDays(day, -1)}`)).toMatchObject({ timesStudied: 0 });
        const listed = await send(focus.app, "GET", `${study}?userId=${user}&endedAfter=${day}&endedBefore=${day}`, { headers: asService });
        expect(listed.body.sessions).toHaveLength(1);
        const nextDay = await send(focus.app, "GET", `${study}?userId=${user}&endedAfter=${plusDays(day, 1)}`, { headers: asService });
        expect(nextDay.body.sessions).toHaveLength(0);
        const [session] = await concept("FocusSession/_listSessions", { user });
        expect(session.timeZone).toBe(zone); // stored canonical, whatever its case
      }),
      { numRuns: 30 },
    );
  });

  it("answers a month's summary asked for on its first day: to may lie in the future", async () => {
    const { user, headers } = newUser("month");
    const now = DateTime.utc();
    await completeThrough("quests", { user, headers }, "UTC", "start body", now.toMillis());
    const month = `from=${now.startOf("month").toISODate()}&to=${now.endOf("month").toISODate()}`;
    expect(await studySummary(user, month)).toMatchObject({ timesStudied: 1 });
    expect(await concept("FocusStats/_summary", { user, from: now.startOf("month").toISODate(), to: now.plus({ years: 1 }).toISODate() })).toEqual([
      expect.objectContaining({ sessionCount: 1 }),
    ]);
  });
});

describe("a user's last known zone", () => {
  it("counts a session that names no zone in the zone the user named last, not UTC", async () => {
    const who = newUser("last");
    await completeThrough("study", who, "America/New_York", "start body", Date.parse("2026-02-17T15:00:00Z"));
    // 22:30 on the 18th in New York, already the 19th in UTC.
    const ended = await completeThrough("study", who, "America/New_York", "start body", Date.parse("2026-02-19T03:30:00Z"));
    const unnamed = await send(focus.app, "POST", study, { body: { userId: who.user, subject: "Calculus", startTimestamp: "2026-02-19T03:35:00Z" }, headers: asService });
    expect(unnamed.status).toBe(201);
    const completed = await send(focus.app, "PATCH", `${study}/${unnamed.body.session.id}`, { body: { endStudyTimestamp: "2026-02-19T04:00:00Z" }, headers: asService });
    expect(completed.status).toBe(200);

    expect(localDay(ended, "America/New_York")).toBe("2026-02-18");
    expect(await concept("FocusStats/_getDailyProgress", { user: who.user })).toEqual([
      expect.objectContaining({ day: "2026-02-17", sessions: 1 }),
      expect.objectContaining({ day: "2026-02-18", sessions: 2 }),
    ]);
    expect(await concept("Streak/_getStreak", { user: who.user })).toEqual([expect.objectContaining({ lastActiveDay: "2026-02-18", longest: 2 })]);
    expect(await studySummary(who.user, "from=2026-02-18&to=2026-02-18")).toMatchObject({ timesStudied: 2 });
    // The session itself was told no zone: FocusSession keeps none rather than inventing UTC.
    expect((await concept("FocusSession/_getSession", { session: unnamed.body.session.id }))[0].timeZone).toBeNull();
  });

  it("reads a bare date in a listing in the X-Time-Zone header's zone, else the user's last known one", async () => {
    const who = newUser("bounds");
    // 20:00 on 2026-02-10 in New York: the 11th in UTC.
    await completeThrough("study", who, "America/New_York", "end body", Date.parse("2026-02-11T01:00:00Z"));
    const list = (query: string, headers: Record<string, string> = asService) => send(focus.app, "GET", `${study}?userId=${who.user}&${query}`, { headers });
    expect((await list("endedBefore=2026-02-10")).body.sessions).toHaveLength(1);
    expect((await list("endedBefore=2026-02-10", { ...asService, "X-Time-Zone": "UTC" })).body.sessions).toHaveLength(0);
    const abandoned = await send(focus.app, "GET", `${study}/summary?userId=${who.user}&status=abandoned&from=2026-02-10&to=2026-02-10`, { headers: asService });
    expect(abandoned.body).toEqual({ totalTimeStudied: 0, timesStudied: 0 });
  });
});

describe("late completions", () => {
  it("count on their own day: days 1, 3, then 2 logged late earn the three-day badge once, and day 4 makes 4", async () => {
    const who = newUser("late");
    const badgesOf = async (endedAt: string) => {
      const started = await send(focus.app, "POST", study, { body: { userId: who.user, subject: "Calculus", startTimestamp: Date.parse(endedAt) - 60_000 }, headers: asService });
      const ended = await send(focus.app, "PATCH", `${study}/${started.body.session.id}`, { body: { endStudyTimestamp: endedAt }, headers: asService });
      return (ended.body.newBadgesEarned as { id: string }[]).map((badge) => badge.id);
    };
    expect(await badgesOf("2026-03-01T12:00:00Z")).not.toContain("three-day-streak");
    expect(await badgesOf("2026-03-03T12:00:00Z")).not.toContain("three-day-streak");
    expect(await badgesOf("2026-03-02T12:00:00Z")).toContain("three-day-streak");
    expect(await badgesOf("2026-03-04T12:00:00Z")).not.toContain("three-day-streak");
    const held = await concept("Badge/_getUserBadges", { user: who.user });
    expect(held.filter((badge: { id: string }) => badge.id === "three-day-streak")).toHaveLength(1);
    expect(await concept("Streak/_getStreak", { user: who.user })).toEqual([expect.objectContaining({ lastActiveDay: "2026-03-04", longest: 4 })]);
    expect((await concept("FocusStats/_getDailyProgress", { user: who.user })).map((row: { day: string }) => row.day)).toEqual(["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"]);
  });
});

describe("naming a zone", () => {
  it("stores it canonical and refuses abbreviations and unknown names with a hint, in every dialect, starting nothing", async () => {
    const { user, headers } = newUser("named");
    const refusals = [
      await send(focus.app, "POST", study, { body: { userId: user, subject: "x", timeZone: "est" }, headers: asService }),
      await send(focus.app, "POST", study, { body: { userId: user, subject: "x" }, headers: { ...asService, "X-Time-Zone": "EST" } }),
      await send(focus.app, "POST", flow, { body: { duration_seconds: 60, timeZone: "Mars/Olympus" }, headers }),
      await send(focus.app, "POST", flow, { body: { duration_seconds: 60 }, headers: { ...headers, "X-Time-Zone": "CET" } }),
      await send(focus.app, "POST", quests, { body: { duration_minutes: 5, timeZone: "pst" }, headers }),
      await send(focus.app, "POST", quests, { body: { duration_minutes: 5 }, headers: { ...headers, "X-Time-Zone": "Mars/Olympus" } }),
    ];
    for (const refusal of refusals) {
      expect(refusal.status).toBe(400);
      expect(JSON.stringify(refusal.body)).toMatch(/America\/New_York/);
    }
    expect(refusals[2]!.body).toMatchObject({ success: false }); // seed 002 keeps its envelope
    expect(await concept("FocusSession/_getRunning", { user })).toEqual([]);

    const started = await send(focus.app, "POST", flow, { body: { duration_seconds: 60, timeZone: "america/new_york" }, headers });
    expect(started.status).toBe(201);
    expect((await concept("FocusSession/_getRunning", { user }))[0].timeZone).toBe("America/New_York");
    const wrongEnd = await send(focus.app, "PATCH", `${flow}/${started.body.data.id}/end`, { body: { status: "completed", timeZone: "EST" }, headers });
    expect(wrongEnd.status).toBe(400);
    expect((await concept("FocusSession/_getRunning", { user }))[0].status).toBe("active");
  });
});

describe("the concept routes", () => {
  it("take the X-Time-Zone header as the timeZone of an operation that has one, when the body names none", async () => {
    const { user } = newUser("concept");
    const started = await send(focus.app, "POST", "/api/FocusSession/start", { body: { user }, headers: { ...asService, "X-Time-Zone": "asia/kolkata" } });
    expect(started.body.view.timeZone).toBe("Asia/Kolkata");
    const ended = await send(focus.app, "POST", "/api/FocusSession/end", {
      body: { session: started.body.session, status: "completed", timeZone: "Pacific/Kiritimati" },
      headers: { ...asService, "X-Time-Zone": "Asia/Kolkata" },
    });
    expect(ended.body.timeZone).toBe("Pacific/Kiritimati"); // the body wins
    const refused = await send(focus.app, "POST", "/api/FocusSession/start", { body: { user }, headers: { ...asService, "X-Time-Zone": "EST" } });
    expect(refused.status).toBe(400);
  });
});

describe("the server's host zone", () => {
  let dirs: Awaited<ReturnType<typeof temporaryDir>>[] = [];
  let servers: ApiServer[] = [];

  beforeAll(async () => {
    dirs = await Promise.all(["Asia/Kathmandu", "UTC"].map(() => temporaryDir("calendar-tz-")));
    servers = await Promise.all(["Asia/Kathmandu", "UTC"].map((zone, index) => startApiServer({ dataDir: dirs[index]!.path, env: { TZ: zone } })));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await Promise.all(dirs.map((dir) => dir.remove()));
  });

  it("changes nothing: a time without an offset is UTC, and a session's day is its user's, under TZ=Asia/Kathmandu and TZ=UTC", async () => {
    const answers = [];
    for (const server of servers) {
      const call = async (method: string, path: string, body?: object): Promise<Answer> => {
        const response = await fetch(server.url + path, { method, headers: { "content-type": "application/json" }, ...(body && { body: JSON.stringify(body) }) });
        return { status: response.status, body: await response.json() };
      };
      const started = await call("POST", study, { userId: "kai", subject: "Calculus", startTimestamp: "2026-02-01T10:00:00", timeZone: "Asia/Kolkata" });
      expect(started.status).toBe(201);
      // 23:30 UTC is 05:00 on the 2nd in Kolkata.
      const ended = await call("PATCH", `${study}/${started.body.session.id}`, { endStudyTimestamp: "2026-02-01T23:30:00" });
      expect(ended.status).toBe(200);
      answers.push({
        startTimestamp: started.body.session.startTimestamp,
        endStudyTimestamp: ended.body.session.endStudyTimestamp,
        onTheSecond: (await call("GET", `${study}/summary?userId=kai&from=2026-02-02&to=2026-02-02`)).body,
        onTheFirst: (await call("GET", `${study}/summary?userId=kai&from=2026-02-01&to=2026-02-01`)).body,
        progress: (await call("POST", "/api/FocusStats/_getDailyProgress", { user: "kai" })).body,
      });
    }
    const expected = {
      startTimestamp: Date.parse("2026-02-01T10:00:00Z"),
      endStudyTimestamp: Date.parse("2026-02-01T23:30:00Z"),
      onTheSecond: { totalTimeStudied: 48_600_000, timesStudied: 1 },
      onTheFirst: { totalTimeStudied: 0, timesStudied: 0 },
      progress: [{ day: localDay("2026-02-01T23:30:00Z", "Asia/Kolkata"), focusMs: 48_600_000, sessions: 1 }],
    };
    expect(answers).toEqual([expected, expected]);
  }, 60_000);
});
