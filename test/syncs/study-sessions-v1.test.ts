/**
 * Seed 004, the Study Sessions API under /api/v1/sessions, served by the syncs of
 * src/syncs/study-sessions-v1 through the generic REST bridge.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { BadgeConcept } from "../../src/concepts/Badge/BadgeConcept.ts";
import { asService, asUser } from "../http/harness.ts";
import { focusApp, send, useFocusApp } from "../support/app.ts";

const focus = useFocusApp();

const base = "/api/v1/sessions";
const start = (body: unknown, headers = asService) => send(focus.app, "POST", base, { body, headers });
const patch = (id: string, body: unknown, headers = asService) => send(focus.app, "PATCH", `${base}/${id}`, { body, headers });
const get = (path: string, headers = asService) => send(focus.app, "GET", `${base}${path}`, { headers });

describe("starting a session (POST /)", () => {
  it("answers the seed's example with 201 and an in-progress session", async () => {
    const answer = await start({ userId: "user-123", subject: "Calculus", startTimestamp: "2025-10-20T14:00:00.000Z", targetDurationMillis: 3600000 });
    expect(answer.status).toBe(201);
    expect(answer.body.session).toEqual({
      id: expect.any(String),
      userId: "user-123",
      subject: "Calculus",
      status: "in_progress",
      startTimestamp: Date.parse("2025-10-20T14:00:00.000Z"),
      endStudyTimestamp: null,
      targetDurationMillis: 3600000,
      sessionLength: null,
      notes: null,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updatedAt: expect.stringMatching(/Z$/),
    });
  });

  it.each([
    [{ subject: "Calculus" }, "userId is required"],
    [{}, "userId is required"], // the seed names userId first
    [{ subject: 7 }, "userId is required"],
    [{ userId: "u", subject: "" }, "subject is required"],
    [{ userId: "u" }, "subject is required"],
  ])("refuses %j with 400 and the seed's message", async (body, error) => {
    expect(await start(body)).toEqual({ status: 400, body: { error } });
  });

  it("refuses a time that is neither ISO 8601 nor epoch milliseconds", async () => {
    const answer = await start({ userId: "u-time", subject: "x", startTimestamp: "yesterday" });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(/startTimestamp/);
  });

  it("refuses a second running session with 409", async () => {
    expect((await start({ userId: "u-twice", subject: "a" })).status).toBe(201);
    const second = await start({ userId: "u-twice", subject: "b" });
    expect(second.status).toBe(409);
    expect(second.body).toEqual({ error: expect.any(String) });
  });

  it("takes the user from a bearer token when userId is left out, and refuses a token naming someone else", async () => {
    const token = await asUser("token-user");
    expect((await start({ subject: "Chemistry" }, token)).body.session).toMatchObject({ userId: "token-user", subject: "Chemistry" });
    expect((await start({ userId: "someone-else", subject: "Chemistry" }, token)).status).toBe(403);
  });

  it("needs the API key", async () => {
    expect((await start({ userId: "u", subject: "x" }, {})).status).toBe(401);
  });
});

describe("completing or updating a session (PATCH /:sessionId)", () => {
  it("answers the seed's example with the completed session, the new badges and the badge count", async () => {
    const { body } = await start({ userId: "user-ex", subject: "Calculus", startTimestamp: "2025-10-20T14:00:00.000Z", targetDurationMillis: 3600000 });
    const answer = await patch(body.session.id, { endStudyTimestamp: "2025-10-20T15:30:00.000Z", sessionLengthMillis: 5400000, notes: "Great focus" });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      session: {
        ...body.session,
        status: "completed",
        endStudyTimestamp: Date.parse("2025-10-20T15:30:00.000Z"),
        sessionLength: 5400000,
        notes: "Great focus",
        updatedAt: expect.any(String),
      },
      newBadgesEarned: [{ id: "first-study", name: "First Study", description: "Completed your first session" }],
      badgeCount: 1,
    });
  });

  it("takes the session length as end minus start when sessionLengthMillis is left out", async () => {
    const { body } = await start({ userId: "u-length", subject: "x", startTimestamp: 1_760_000_000_000 });
    const answer = await patch(body.session.id, { endStudyTimestamp: 1_760_000_600_000 });
    expect(answer.body.session).toMatchObject({ status: "completed", sessionLength: 600_000, endStudyTimestamp: 1_760_000_600_000 });
    expect(answer.body.newBadgesEarned).toHaveLength(1);
  });

  it("answers { session } alone when the session is cancelled, and counts nothing", async () => {
    const { body } = await start({ userId: "u-cancel", subject: "x" });
    const answer = await patch(body.session.id, { status: "cancelled" });
    expect(answer).toEqual({ status: 200, body: { session: expect.objectContaining({ status: "cancelled" }) } });
    expect((await get("/summary?userId=u-cancel")).body).toEqual({ totalTimeStudied: 0, timesStudied: 0 });
  });

  it("pauses, resumes and changes notes without completing", async () => {
    const { body } = await start({ userId: "u-pause", subject: "x" });
    const id = body.session.id;
    // Paused is still running: the seed's word for it is in_progress.
    expect((await patch(id, { status: "paused", sessionLengthMillis: 1000 })).body).toEqual({ session: expect.objectContaining({ status: "in_progress" }) });
    expect((await get("?userId=u-pause&status=in_progress")).body.sessions).toEqual([expect.objectContaining({ id, status: "in_progress" })]);
    const paused = await send(focus.app, "GET", "/api/flow/v1/sessions/active", { headers: { ...asService, "x-user-id": "u-pause" } });
    expect(paused.body.data).toMatchObject({ id, status: "paused", elapsed_seconds: 1 });
    expect((await patch(id, { status: "in_progress" })).body).toEqual({ session: expect.objectContaining({ status: "in_progress" }) });
    expect((await patch(id, { notes: "chapter 2" })).body).toEqual({ session: expect.objectContaining({ status: "in_progress", notes: "chapter 2" }) });
  });

  it("adds badgeCheckFailed with no badges when the badge evaluation fails", async () => {
    class FailingBadge extends BadgeConcept {
      override async evaluate(): ReturnType<BadgeConcept["evaluate"]> {
        return { error: "badge store unavailable" };
      }
    }
    const failing = await focusApp(focus.db, { instances: { Badge: new FailingBadge(focus.db) } });
    const { body } = await send(failing.app, "POST", base, { body: { userId: "u-badfail", subject: "x" }, headers: asService });
    const answer = await send(failing.app, "PATCH", `${base}/${body.session.id}`, { body: { endStudyTimestamp: Date.now() }, headers: asService });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ session: expect.objectContaining({ status: "completed" }), newBadgesEarned: [], badgeCount: 0, badgeCheckFailed: true });
    await failing.engine.stop();
  });

  it.each([
    ["without endStudyTimestamp", {}, 400, "endStudyTimestamp is required"],
    ["with status completed but no endStudyTimestamp", { status: "completed" }, 400, "endStudyTimestamp is required"],
  ])("refuses a body %s", async (_, body, status, error) => {
    const { body: started } = await start({ userId: `u-refuse-${status}-${Object.keys(body).length}`, subject: "x" });
    expect(await patch(started.session.id, body)).toEqual({ status, body: { error } });
  });

  it("answers 404 Session not found for an unknown id", async () => {
    expect(await patch("no-such-session", { endStudyTimestamp: Date.now() })).toEqual({ status: 404, body: { error: "Session not found" } });
  });

  it("answers 400 sessionId is required when the id is missing", async () => {
    expect(await send(focus.app, "PATCH", base, { body: { endStudyTimestamp: Date.now() }, headers: asService })).toEqual({
      status: 400,
      body: { error: "sessionId is required" },
    });
  });

  it("answers 409 for a session that has already ended, changing nothing", async () => {
    const { body } = await start({ userId: "u-ended", subject: "x" });
    await patch(body.session.id, { endStudyTimestamp: Date.now() });
    const again = await patch(body.session.id, { endStudyTimestamp: Date.now(), notes: "late" });
    expect(again.status).toBe(409);
    const [listed] = (await get("?userId=u-ended")).body.sessions;
    expect(listed.notes).toBeNull();
  });

  it("treats another user's session as not found for a user token", async () => {
    const { body } = await start({ userId: "owner", subject: "x" });
    const answer = await patch(body.session.id, { endStudyTimestamp: Date.now() }, await asUser("intruder"));
    expect(answer).toEqual({ status: 404, body: { error: "Session not found" } });
    expect(await patch(body.session.id, { notes: "mine" }, await asUser("owner"))).toMatchObject({ status: 200 });
  });
});

describe("listing sessions (GET /)", () => {
  beforeAll(async () => {
    const sessions = [
      { subject: "Calculus", start: "2025-10-20T13:00:00.000Z", end: "2025-10-20T15:00:00.000Z" },
      { subject: "Calculus", start: "2025-10-18T13:00:00.000Z", end: "2025-10-18T14:00:00.000Z" },
      { subject: "History", start: "2025-10-19T13:00:00.000Z", end: "2025-10-19T13:30:00.000Z" },
    ];
    for (const session of sessions) {
      const { body } = await start({ userId: "lister", subject: session.subject, startTimestamp: session.start });
      await patch(body.session.id, { endStudyTimestamp: session.end });
    }
    await start({ userId: "lister", subject: "Calculus" });
  });

  it("answers the seed's example: filtered by subject and status, newest end first", async () => {
    const answer = await get("?userId=lister&subject=Calculus&status=completed&limit=10");
    expect(answer.status).toBe(200);
    expect(answer.body.sessions.map((session: { endStudyTimestamp: number }) => new Date(session.endStudyTimestamp).toISOString())).toEqual([
      "2025-10-20T15:00:00.000Z",
      "2025-10-18T14:00:00.000Z",
    ]);
    expect(answer.body.sessions[0]).toMatchObject({ userId: "lister", subject: "Calculus", status: "completed", sessionLength: 2 * 3600_000 });
  });

  it("limits, and filters on the end time with ISO strings or epoch milliseconds, inclusive", async () => {
    expect((await get("?userId=lister&limit=1")).body.sessions).toHaveLength(1);
    const window = await get(`?userId=lister&endedAfter=2025-10-19T13:30:00.000Z&endedBefore=${Date.parse("2025-10-20T15:00:00.000Z")}`);
    expect(window.body.sessions.map((session: { subject: string }) => session.subject)).toEqual(["Calculus", "History"]);
  });

  it("lists the running session as in_progress, which end-time bounds leave out", async () => {
    const running = await get("?userId=lister&status=in_progress");
    expect(running.body.sessions).toEqual([expect.objectContaining({ status: "in_progress", endStudyTimestamp: null, sessionLength: null })]);
    expect((await get("?userId=lister&status=in_progress&subject=History")).body.sessions).toEqual([]);
    expect((await get("?userId=lister&status=in_progress&endedAfter=946684800000")).body.sessions).toEqual([]);
    expect((await get("/summary?userId=lister&status=in_progress")).body).toEqual({ totalTimeStudied: 0, timesStudied: 1 });
  });

  it.each([
    ["", "userId query parameter is required"],
    ["?limit=0", "userId query parameter is required"],
    ["?userId=lister&limit=0", "limit must be a positive integer"],
    ["?userId=lister&limit=abc", "limit must be a positive integer"],
    ["?userId=lister&limit=1.5", "limit must be a positive integer"],
  ])("refuses %s with the seed's message", async (search, error) => {
    expect(await get(search)).toEqual({ status: 400, body: { error } });
  });
});

describe("summarizing sessions (GET /summary)", () => {
  beforeAll(async () => {
    const { body } = await start({ userId: "summer", subject: "Calculus", startTimestamp: "2025-10-20T14:00:00.000Z" });
    await patch(body.session.id, { endStudyTimestamp: "2025-10-20T15:30:00.000Z", sessionLengthMillis: 5400000 });
    const { body: late } = await start({ userId: "summer", subject: "Calculus", startTimestamp: "2025-11-02T14:00:00.000Z" });
    await patch(late.session.id, { endStudyTimestamp: "2025-11-02T15:00:00.000Z" });
    const { body: cancelled } = await start({ userId: "summer", subject: "Calculus", startTimestamp: "2025-10-21T14:00:00.000Z" });
    await patch(cancelled.session.id, { status: "cancelled", endStudyTimestamp: "2025-10-21T14:10:00.000Z" });
  });

  it("answers the seed's example: completed sessions ended between from and to", async () => {
    expect(await get("/summary?userId=summer&from=2025-10-01&to=2025-10-31")).toEqual({ status: 200, body: { totalTimeStudied: 5400000, timesStudied: 1 } });
  });

  it("takes epoch milliseconds as bounds, inclusive", async () => {
    const to = Date.parse("2025-10-20T15:30:00.000Z");
    expect((await get(`/summary?userId=summer&from=946684800000&to=${to}`)).body).toEqual({ totalTimeStudied: 5400000, timesStudied: 1 });
    expect((await get(`/summary?userId=summer&to=${to - 1}`)).body).toEqual({ totalTimeStudied: 0, timesStudied: 0 });
  });

  it("sums every completed session without bounds, and other statuses when asked", async () => {
    expect((await get("/summary?userId=summer")).body).toEqual({ totalTimeStudied: 5400000 + 3600000, timesStudied: 2 });
    expect((await get("/summary?userId=summer&status=cancelled")).body).toEqual({ totalTimeStudied: 600000, timesStudied: 1 });
  });

  it("refuses a missing userId with the seed's message", async () => {
    expect(await get("/summary?from=2025-10-01")).toEqual({ status: 400, body: { error: "userId query parameter is required" } });
  });
});

describe("times and ids a client supplies (issue 10)", () => {
  const dayMs = 24 * 60 * 60 * 1000;
  const implausible = [8.64e15, "8640000000000000", "9999-12-31T00:00:00Z", 0, "0000-01-01T00:00:00Z", "1999-12-31T23:59:59.999Z", Date.now() + dayMs + 60_000];
  const message = "must be from 2000-01-01T00:00:00Z to a day after the server's clock";

  it("refuses a start or an end far in the past or future with 400, so no streak is frozen", async () => {
    for (const time of implausible) {
      expect(await start({ userId: "u-far", subject: "x", startTimestamp: time })).toEqual({ status: 400, body: { error: `startTimestamp ${message}` } });
    }
    const { body } = await start({ userId: "u-far", subject: "x" });
    for (const time of implausible) {
      expect(await patch(body.session.id, { endStudyTimestamp: time })).toEqual({ status: 400, body: { error: `endStudyTimestamp ${message}` } });
    }
    const completed = await patch(body.session.id, { endStudyTimestamp: Date.now() });
    expect(completed.status).toBe(200);
    const streak = await send(focus.app, "POST", "/api/Streak/_getStreak", { body: { user: "u-far" }, headers: asService });
    expect(streak.body).toEqual([expect.objectContaining({ user: "u-far", current: 1 })]);
  });

  it("takes query bounds anywhere, in the past or the future (they ask a question; nothing happened then)", async () => {
    for (const name of ["endedAfter", "endedBefore"]) {
      expect(await get(`?userId=u-bounds&${name}=8640000000000000`)).toEqual({ status: 200, body: { sessions: [] } });
    }
    for (const name of ["from", "to"]) {
      expect(await get(`/summary?userId=u-bounds&${name}=1999-12-31`)).toEqual({ status: 200, body: { totalTimeStudied: 0, timesStudied: 0 } });
    }
    const nextYear = new Date().getUTCFullYear() + 1;
    expect(await get(`/summary?userId=u-bounds&from=2000-01-01&to=${nextYear}-12-31`)).toEqual({ status: 200, body: { totalTimeStudied: 0, timesStudied: 0 } });
    expect(await get(`?userId=u-bounds&endedBefore=not-a-time`)).toEqual({ status: 400, body: { error: "endedBefore must be an ISO 8601 time or epoch milliseconds" } });
  });

  it("refuses an id over 200 characters with 400 and the seed's body, in every route", async () => {
    const long = "a".repeat(201);
    const error = "must be 1 to 200 characters";
    expect(await get(`/summary?userId=${long}`)).toEqual({ status: 400, body: { error: `userId ${error}` } });
    expect(await get(`?userId=${long}`)).toEqual({ status: 400, body: { error: `userId ${error}` } });
    expect(await start({ userId: long, subject: "x" })).toEqual({ status: 400, body: { error: `userId ${error}` } });
    expect(await patch(long, { endStudyTimestamp: Date.now() })).toEqual({ status: 400, body: { error: `sessionId ${error}` } });
    expect((await get(`/summary?userId=${"a".repeat(200)}`)).status).toBe(200);
  });
});
