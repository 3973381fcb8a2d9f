/**
 * Seed 002, the Focus Session Flow under /api/flow/v1/sessions (its base path configurable),
 * served by the syncs of src/syncs/focus-flow-v1.
 */
import { describe, expect, it } from "vitest";
import { asService, asUser } from "../http/harness.ts";
import { focusApp, send, useFocusApp } from "../support/app.ts";

const focus = useFocusApp();

const base = "/api/flow/v1/sessions";
const as = (user: string) => ({ ...asService, "x-user-id": user });
const call = (method: string, path: string, headers: Record<string, string>, body?: unknown) => send(focus.app, method, `${base}${path}`, { body, headers });

describe("the seed's lifecycle: start, pause, resume, end", () => {
  it("walks a session from start to completion, with streak and badges updated", async () => {
    const user = await asUser("flow-ada");
    const started = await call("POST", "", user, { duration_seconds: 1500 });
    expect(started.status).toBe(201);
    expect(started.body).toEqual({
      success: true,
      message: "focus session started",
      data: { id: expect.any(String), user_id: "flow-ada", duration_seconds: 1500, elapsed_seconds: 0, status: "active", started_at: expect.any(String), ended_at: null },
    });
    const { id } = started.body.data;

    const paused = await call("PATCH", `/${id}/pause`, user, { elapsed_seconds: 750, status: "paused" });
    expect(paused).toMatchObject({ status: 200, body: { success: true, data: { id, elapsed_seconds: 750, status: "paused" } } });

    const active = await call("GET", "/active", user);
    expect(active.body).toMatchObject({ success: true, data: { id, elapsed_seconds: 750, duration_seconds: 1500, status: "paused" } });

    const resumed = await call("PATCH", `/${id}/resume`, user);
    expect(resumed).toMatchObject({ status: 200, body: { success: true, data: { id, elapsed_seconds: 750, status: "active" } } });

    const ended = await call("PATCH", `/${id}/end`, user, { elapsed_seconds: 1500, status: "completed" });
    expect(ended).toMatchObject({ status: 200, body: { success: true, data: { id, elapsed_seconds: 1500, status: "completed", ended_at: expect.any(String) } } });

    expect((await call("GET", "/active", user)).body).toEqual({ success: true, message: "no active session", data: null });
    const streak = await send(focus.app, "POST", "/api/Streak/_getStreak", { body: { user: "flow-ada" }, headers: asService });
    expect(streak.body).toEqual([expect.objectContaining({ current: 1 })]);
    const badges = await send(focus.app, "POST", "/api/Badge/_getUserBadges", { body: { user: "flow-ada" }, headers: asService });
    expect(badges.body.map((badge: { name: string }) => badge.name)).toEqual(["First Study"]);
  });

  it("records an abandoned session without streak, progress or badges", async () => {
    const started = await call("POST", "", as("flow-quitter"), { duration_seconds: 2700 });
    const ended = await call("PATCH", `/${started.body.data.id}/end`, as("flow-quitter"), { elapsed_seconds: 400, status: "abandoned" });
    expect(ended.body.data).toMatchObject({ status: "abandoned", elapsed_seconds: 400 });
    const totals = await send(focus.app, "POST", "/api/FocusStats/_getTotals", { body: { user: "flow-quitter" }, headers: asService });
    expect(totals.body).toEqual([{ user: "flow-quitter", totalFocusMs: 0, sessionCount: 0 }]);
    const history = await call("GET", "", as("flow-quitter"));
    expect(history.body).toEqual({ success: true, message: "session history", data: [expect.objectContaining({ status: "abandoned" })] });
  });
});

describe("refusals", () => {
  it.each([59, 86401, 1500.5, "1500", undefined])("refuses duration_seconds %s with 400 in the envelope", async (duration_seconds) => {
    const answer = await call("POST", "", as("flow-bad"), { duration_seconds });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ success: false, message: expect.any(String), error: expect.stringMatching(/duration_seconds/), data: null });
  });

  it.each([60, 86400])("accepts the bounds (%s seconds)", async (duration_seconds) => {
    const user = as(`flow-bound-${duration_seconds}`);
    expect((await call("POST", "", user, { duration_seconds })).status).toBe(201);
  });

  it("answers 409 to a second session while one runs", async () => {
    await call("POST", "", as("flow-twice"), { duration_seconds: 1500 });
    const second = await call("POST", "", as("flow-twice"), { duration_seconds: 1500 });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ success: false, error: expect.any(String) });
  });

  it("answers 403 to another user's session and 404 to an unknown one", async () => {
    const { body } = await call("POST", "", as("flow-owner"), { duration_seconds: 1500 });
    expect((await call("PATCH", `/${body.data.id}/pause`, await asUser("flow-other"), { elapsed_seconds: 1 })).status).toBe(403);
    expect((await call("PATCH", `/${body.data.id}/end`, as("flow-other"), { status: "completed" })).status).toBe(403);
    expect((await call("PATCH", "/nope/resume", as("flow-owner"))).status).toBe(404);
  });

  it("refuses an end without a valid status, a resume of an active session and an end of an ended one", async () => {
    const { body } = await call("POST", "", as("flow-end"), { duration_seconds: 1500 });
    const id = body.data.id;
    expect((await call("PATCH", `/${id}/end`, as("flow-end"), { elapsed_seconds: 10 })).status).toBe(400);
    expect((await call("PATCH", `/${id}/end`, as("flow-end"), { status: "cancelled" })).status).toBe(400);
    expect((await call("PATCH", `/${id}/resume`, as("flow-end"))).status).toBe(400);
    expect((await call("PATCH", `/${id}/end`, as("flow-end"), { status: "completed", elapsed_seconds: 1500 })).status).toBe(200);
    expect((await call("PATCH", `/${id}/end`, as("flow-end"), { status: "completed", elapsed_seconds: 1500 })).status).toBe(409);
  });

  it("needs a user: a token, or x-user-id with the API key", async () => {
    const answer = await call("GET", "/active", asService);
    expect(answer).toMatchObject({ status: 400, body: { success: false, error: expect.stringMatching(/x-user-id/) } });
    expect((await call("GET", "/active", {})).status).toBe(401);
  });
});

describe("the base path", () => {
  it("is configurable", async () => {
    const moved = await focusApp(focus.db, { config: { routePlaceholders: { FLOW_BASE_PATH: "/flow" } } });
    const started = await send(moved.app, "POST", "/flow", { body: { duration_seconds: 60 }, headers: as("flow-moved") });
    expect(started.status).toBe(201);
    expect((await send(moved.app, "GET", "/flow/active", { headers: as("flow-moved") })).body.data.id).toBe(started.body.data.id);
    await moved.engine.stop();
  });
});

describe("ids over the one limit (issue 10)", () => {
  it("answers 400 in the seed's envelope for a session id over 200 characters, and 400 { error } for such an x-user-id", async () => {
    const long = "a".repeat(201);
    const refused = { success: false, message: "id must be 1 to 200 characters", error: "id must be 1 to 200 characters", data: null };
    expect(await call("PATCH", `/${long}/pause`, as("flow-long"), {})).toEqual({ status: 400, body: refused });
    expect(await call("PATCH", `/${long}/resume`, as("flow-long"), {})).toEqual({ status: 400, body: refused });
    expect(await call("PATCH", `/${long}/end`, as("flow-long"), { status: "completed" })).toEqual({ status: 400, body: refused });
    expect(await call("GET", "", as(long))).toEqual({ status: 400, body: { error: "x-user-id: must be 1 to 200 characters" } });
  });
});
