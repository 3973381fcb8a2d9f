/** Seed 001, Focus Sessions with quests under /focus-sessions, served by the syncs of src/syncs/focus-sessions-quests. */
import { beforeAll, describe, expect, it } from "vitest";
import { asService, asUser } from "../http/harness.ts";
import { send, useFocusApp } from "../support/app.ts";

const focus = useFocusApp();

const as = (user: string) => ({ ...asService, "x-user-id": user });
const call = (method: string, path: string, headers: Record<string, string>, body?: unknown) => send(focus.app, method, `/focus-sessions${path}`, { body, headers });
const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe("starting a session (POST /focus-sessions)", () => {
  it("answers the seed's example with 200 and the created active session", async () => {
    const answer = await call("POST", "", await asUser("quester"), { quest_id: "q1", description: "Writing Chapter 1", duration_minutes: 25 });
    expect(answer).toEqual({
      status: 200,
      body: { id: expect.any(String), quest_id: "q1", description: "Writing Chapter 1", duration_minutes: 25, status: "active", started_at: expect.stringMatching(iso), completed_at: null },
    });
  });

  it.each([undefined, 0, -5, 2.5, "25"])("refuses duration_minutes %s with 400 { error }", async (duration_minutes) => {
    const answer = await call("POST", "", as("q-bad"), { duration_minutes });
    expect(answer).toEqual({ status: 400, body: { error: "duration_minutes is required and must be a positive integer" } });
  });

  it("answers 409 to a second running session", async () => {
    await call("POST", "", as("q-twice"), { duration_minutes: 25 });
    const second = await call("POST", "", as("q-twice"), { duration_minutes: 25 });
    expect(second).toEqual({ status: 409, body: { error: expect.any(String) } });
  });

  it("needs a user and credentials", async () => {
    expect((await call("POST", "", asService, { duration_minutes: 25 })).status).toBe(400);
    expect((await call("POST", "", {}, { duration_minutes: 25 })).status).toBe(401);
  });
});

describe("completing or cancelling (PATCH /focus-sessions/:id)", () => {
  it("sets completed_at when completed, and counts the session", async () => {
    const { body } = await call("POST", "", as("q-done"), { quest_id: "q1", duration_minutes: 25 });
    const answer = await call("PATCH", `/${body.id}`, as("q-done"), { status: "completed" });
    expect(answer).toEqual({ status: 200, body: { ...body, status: "completed", completed_at: expect.stringMatching(iso) } });
    const totals = await send(focus.app, "POST", "/api/FocusStats/_getTotals", { body: { user: "q-done" }, headers: asService });
    expect(totals.body[0].sessionCount).toBe(1);
  });

  it("leaves completed_at null when cancelled, and counts nothing", async () => {
    const { body } = await call("POST", "", as("q-cancel"), { duration_minutes: 25 });
    const answer = await call("PATCH", `/${body.id}`, as("q-cancel"), { status: "cancelled" });
    expect(answer.body).toMatchObject({ status: "cancelled", completed_at: null });
    const totals = await send(focus.app, "POST", "/api/FocusStats/_getTotals", { body: { user: "q-cancel" }, headers: asService });
    expect(totals.body[0].sessionCount).toBe(0);
  });

  it("refuses another status, another user's session (403), an unknown one (404) and a second end (409)", async () => {
    const { body } = await call("POST", "", as("q-owner"), { duration_minutes: 25 });
    expect(await call("PATCH", `/${body.id}`, as("q-owner"), { status: "active" })).toEqual({ status: 400, body: { error: 'status must be "completed" or "cancelled"' } });
    expect((await call("PATCH", `/${body.id}`, await asUser("q-intruder"), { status: "completed" })).status).toBe(403);
    expect((await call("PATCH", "/unknown", as("q-owner"), { status: "completed" })).status).toBe(404);
    expect((await call("PATCH", `/${body.id}`, as("q-owner"), { status: "completed" })).status).toBe(200);
    expect((await call("PATCH", `/${body.id}`, as("q-owner"), { status: "cancelled" })).status).toBe(409);
  });
});

describe("history (GET /focus-sessions)", () => {
  beforeAll(async () => {
    for (const quest of ["qa", "qb", "qa"]) {
      const { body } = await call("POST", "", as("q-history"), { quest_id: quest, description: `work on ${quest}`, duration_minutes: 25 });
      await call("PATCH", `/${body.id}`, as("q-history"), { status: "completed" });
    }
    for (let index = 0; index < 22; index++) {
      const { body } = await call("POST", "", as("q-many"), { duration_minutes: 1 });
      await call("PATCH", `/${body.id}`, as("q-many"), { status: "cancelled" });
    }
  });

  it("filters by quest and status, newest first", async () => {
    const answer = await call("GET", "?quest_id=qa&status=completed", as("q-history"));
    expect(answer.status).toBe(200);
    expect(answer.body).toHaveLength(2);
    expect(answer.body.every((session: { quest_id: string; status: string }) => session.quest_id === "qa" && session.status === "completed")).toBe(true);
    expect(answer.body[0].completed_at >= answer.body[1].completed_at).toBe(true);
  });

  it("answers 20 sessions by default and honours limit", async () => {
    expect((await call("GET", "", as("q-many"))).body).toHaveLength(20);
    expect((await call("GET", "?limit=5", as("q-many"))).body).toHaveLength(5);
    expect((await call("GET", "?limit=zero", as("q-many"))).status).toBe(400);
  });

  it("shows only the caller's sessions", async () => {
    expect((await call("GET", "", await asUser("q-nobody"))).body).toEqual([]);
  });
});

describe("deleting (DELETE /focus-sessions/:id)", () => {
  it("answers 200, removes the session, and takes a completed one out of the statistics", async () => {
    const { body } = await call("POST", "", as("q-delete"), { duration_minutes: 25 });
    await call("PATCH", `/${body.id}`, as("q-delete"), { status: "completed" });
    expect(await call("DELETE", `/${body.id}`, as("q-delete"))).toEqual({ status: 200, body: { id: body.id, deleted: true } });
    expect((await call("GET", "", as("q-delete"))).body).toEqual([]);
    const totals = await send(focus.app, "POST", "/api/FocusStats/_getTotals", { body: { user: "q-delete" }, headers: asService });
    expect(totals.body[0]).toMatchObject({ sessionCount: 0, totalFocusMs: 0 });
  });

  it("answers 404 to an unknown session and 403 to another user's", async () => {
    const { body } = await call("POST", "", as("q-keep"), { duration_minutes: 25 });
    expect((await call("DELETE", "/unknown", as("q-keep"))).status).toBe(404);
    expect((await call("DELETE", `/${body.id}`, as("q-thief"))).status).toBe(403);
  });
});

describe("ids over the one limit (issue 10)", () => {
  it("answers 400 { error } for a quest id or a session id over 200 characters, and accepts 200", async () => {
    const long = "a".repeat(201);
    const error = "must be 1 to 200 characters";
    expect(await call("GET", `?quest_id=${long}`, as("q-long"))).toEqual({ status: 400, body: { error: `quest_id ${error}` } });
    expect(await call("POST", "", as("q-long"), { duration_minutes: 25, quest_id: long })).toEqual({ status: 400, body: { error: `quest_id ${error}` } });
    expect(await call("PATCH", `/${long}`, as("q-long"), { status: "completed" })).toEqual({ status: 400, body: { error: `id ${error}` } });
    expect(await call("DELETE", `/${long}`, as("q-long"))).toEqual({ status: 400, body: { error: `id ${error}` } });
    expect((await call("POST", "", as("q-long"), { duration_minutes: 25, quest_id: "q".repeat(200) })).status).toBe(200);
    expect((await call("GET", `?quest_id=${"q".repeat(200)}`, as("q-long"))).body).toHaveLength(1);
  });
});
