/**
 * A session's length is bounded by what the session could have lasted: the time between its
 * start and its end, plus the day a client's clock may be ahead of the server's (the same
 * allowance as for the times clients send). Two completions of 1e308 ms made a user's totals
 * infinite (`totalTimeStudied: null` for good) and awarded every time-based badge.
 */
import { describe, expect, it } from "vitest";
import { send, useFocusApp, type FocusApp } from "../support/app.ts";
import { asService } from "../http/harness.ts";

const hour = 3_600_000;
const day = 24 * hour;

function startStudy(app: FocusApp["app"], userId: string, startTimestamp: string) {
  return send(app, "POST", "/api/v1/sessions", { body: { userId, subject: "Calculus", startTimestamp }, headers: asService });
}

async function totalsOf(app: FocusApp["app"], user: string) {
  const { status, body } = await send(app, "POST", "/api/FocusStats/_getTotals", { body: { user }, headers: asService });
  expect(status).toBe(200);
  return body[0] ?? { totalFocusMs: 0, sessionCount: 0 };
}

describe("session lengths", () => {
  const focus = useFocusApp();

  it("refuses two completions of 1e308 ms through seed 004 with 400; the totals stay finite and a real completion counts", async () => {
    const user = "length-huge";
    for (let attempt = 0; attempt < 2; attempt++) {
      const started = await startStudy(focus.app, user, new Date(Date.now() - 2 * hour).toISOString());
      expect(started.status).toBe(201);
      const id = started.body.session.id;
      const huge = await send(focus.app, "PATCH", `/api/v1/sessions/${id}`, { body: { endStudyTimestamp: new Date().toISOString(), sessionLengthMillis: 1e308 }, headers: asService });
      expect(huge.status).toBe(400);
      expect(huge.body).toEqual({ error: expect.stringMatching(/sessionLengthMillis/) });
      // Still running: the refusal changed nothing. Ending it as it really went counts its time.
      const real = await send(focus.app, "PATCH", `/api/v1/sessions/${id}`, { body: { endStudyTimestamp: new Date().toISOString(), sessionLengthMillis: hour }, headers: asService });
      expect(real.status).toBe(200);
    }
    expect(await totalsOf(focus.app, user)).toMatchObject({ sessionCount: 2, totalFocusMs: 2 * hour });
    const summary = await send(focus.app, "GET", `/api/v1/sessions/summary?userId=${user}`, { headers: asService });
    expect(summary.body).toMatchObject({ totalTimeStudied: 2 * hour });
  });

  it("accepts a length up to the time between start and end plus a day (a client's clock), and refuses one beyond", async () => {
    const user = "length-bound";
    const started = await startStudy(focus.app, user, new Date(Date.now() - hour).toISOString());
    const id = started.body.session.id;
    const end = new Date().toISOString();
    const beyond = await send(focus.app, "PATCH", `/api/v1/sessions/${id}`, { body: { endStudyTimestamp: end, sessionLengthMillis: hour + day + 60_000 }, headers: asService });
    expect(beyond.status).toBe(400);
    const within = await send(focus.app, "PATCH", `/api/v1/sessions/${id}`, { body: { endStudyTimestamp: end, sessionLengthMillis: hour + day - 60_000 }, headers: asService });
    expect(within.status).toBe(200);
  });

  it("refuses 1e308 through the concept routes: FocusSession.pause and .end, and FocusStats.recordSession", async () => {
    const user = "length-concepts";
    const started = await send(focus.app, "POST", "/api/FocusSession/start", { body: { user }, headers: asService });
    const session = started.body.session;
    const pause = await send(focus.app, "POST", "/api/FocusSession/pause", { body: { session, elapsedMs: 1e308 }, headers: asService });
    expect(pause).toEqual({ status: 400, body: { error: expect.stringMatching(/elapsedMs/) } });
    const end = await send(focus.app, "POST", "/api/FocusSession/end", { body: { session, status: "completed", elapsedMs: 1e308 }, headers: asService });
    expect(end).toEqual({ status: 400, body: { error: expect.stringMatching(/elapsedMs/) } });

    const now = Date.now();
    const record = (focusSession: string, durationMs: number) =>
      send(focus.app, "POST", "/api/FocusStats/recordSession", {
        body: { focusSession, user, startTime: now - hour, endTime: now, durationMs },
        headers: asService,
      });
    expect((await record("length-a", 1e308)).status).toBe(400);
    expect((await record("length-b", 1e308)).status).toBe(400);
    expect((await record("length-c", hour)).status).toBe(200);
    expect(await totalsOf(focus.app, user)).toMatchObject({ sessionCount: 1, totalFocusMs: hour });
  });

  it("refuses seed 002's elapsed_seconds beyond what the session could have run", async () => {
    const headers = { ...asService, "x-user-id": "length-flow" };
    const started = await send(focus.app, "POST", "/api/flow/v1/sessions", { body: { duration_seconds: 1500 }, headers });
    const id = started.body.data.id;
    const ended = await send(focus.app, "PATCH", `/api/flow/v1/sessions/${id}/end`, { body: { elapsed_seconds: 1e300, status: "completed" }, headers });
    expect(ended.status).toBe(400);
    expect(await totalsOf(focus.app, "length-flow")).toMatchObject({ sessionCount: 0 });
  });
});
