/**
 * The three REST dialects share one FocusSession: a session started in one is visible,
 * pausable and completable in the others, for the same user, and is counted once.
 */
import { describe, expect, it } from "vitest";
import { asService, asUser } from "../http/harness.ts";
import { send, useFocusApp } from "../support/app.ts";

const focus = useFocusApp();

const flow = "/api/flow/v1/sessions";
const quests = "/focus-sessions";
const study = "/api/v1/sessions";

async function totals(user: string) {
  const answer = await send(focus.app, "POST", "/api/FocusStats/_getTotals", { body: { user }, headers: asService });
  return answer.body[0];
}

describe("one session, three dialects", () => {
  it("starts in seed 002, is seen in 001 and 004, paused in 004, resumed in 002 and completed in 001", async () => {
    const sam = await asUser("sam");
    const started = await send(focus.app, "POST", flow, { body: { duration_seconds: 1500 }, headers: sam });
    const id = started.body.data.id;

    const [quest] = (await send(focus.app, "GET", quests, { headers: sam })).body;
    expect(quest).toMatchObject({ id, duration_minutes: 25, status: "active", completed_at: null });
    const listed = await send(focus.app, "GET", `${study}?userId=sam`, { headers: sam });
    expect(listed.body.sessions).toEqual([expect.objectContaining({ id, userId: "sam", status: "in_progress", targetDurationMillis: 1_500_000 })]);

    const paused = await send(focus.app, "PATCH", `${study}/${id}`, { body: { status: "paused", sessionLengthMillis: 600_000 }, headers: sam });
    expect(paused.body.session).toMatchObject({ id, status: "in_progress" });
    expect((await send(focus.app, "GET", `${flow}/active`, { headers: sam })).body.data).toMatchObject({ id, status: "paused", elapsed_seconds: 600 });

    expect((await send(focus.app, "PATCH", `${flow}/${id}/resume`, { headers: sam })).body.data).toMatchObject({ id, status: "active" });

    const completed = await send(focus.app, "PATCH", `${quests}/${id}`, { body: { status: "completed" }, headers: sam });
    expect(completed.body).toMatchObject({ id, status: "completed", completed_at: expect.any(String) });

    const history = await send(focus.app, "GET", flow, { headers: sam });
    expect(history.body.data).toEqual([expect.objectContaining({ id, status: "completed" })]);
    const summary = await send(focus.app, "GET", `${study}/summary?userId=sam`, { headers: sam });
    expect(summary.body.timesStudied).toBe(1);
    expect(summary.body.totalTimeStudied).toBeGreaterThanOrEqual(600_000);
    expect(await totals("sam")).toMatchObject({ sessionCount: 1 });
  });

  it("keeps one running session per user across dialects", async () => {
    const kim = { ...asService, "x-user-id": "kim" };
    expect((await send(focus.app, "POST", study, { body: { userId: "kim", subject: "Algebra" }, headers: asService })).status).toBe(201);
    expect((await send(focus.app, "POST", flow, { body: { duration_seconds: 60 }, headers: kim })).status).toBe(409);
    expect((await send(focus.app, "POST", quests, { body: { duration_minutes: 5 }, headers: kim })).status).toBe(409);
  });

  it("shows nobody else's sessions and refuses to act on them", async () => {
    const owner = await asUser("lee");
    const { body } = await send(focus.app, "POST", quests, { body: { duration_minutes: 25 }, headers: owner });
    const other = await asUser("max");
    expect((await send(focus.app, "GET", quests, { headers: other })).body).toEqual([]);
    expect((await send(focus.app, "GET", `${flow}/active`, { headers: other })).body.data).toBeNull();
    expect((await send(focus.app, "GET", `${study}?userId=lee`, { headers: other })).status).toBe(403);
    expect((await send(focus.app, "PATCH", `${flow}/${body.id}/end`, { body: { status: "completed" }, headers: other })).status).toBe(403);
    expect((await send(focus.app, "PATCH", `${study}/${body.id}`, { body: { endStudyTimestamp: Date.now() }, headers: other })).status).toBe(404);
  });

  it("counts a session once when twenty completions arrive together through all three dialects", async () => {
    const user = { ...asService, "x-user-id": "rush" };
    const { body } = await send(focus.app, "POST", study, { body: { userId: "rush", subject: "Physics" }, headers: asService });
    const id = body.session.id;
    const requests = Array.from({ length: 20 }, (_, index) => {
      if (index % 3 === 0) return send(focus.app, "PATCH", `${study}/${id}`, { body: { endStudyTimestamp: Date.now() }, headers: asService });
      if (index % 3 === 1) return send(focus.app, "PATCH", `${flow}/${id}/end`, { body: { status: "completed", elapsed_seconds: 1500 }, headers: user });
      return send(focus.app, "PATCH", `${quests}/${id}`, { body: { status: "completed" }, headers: user });
    });
    const answers = await Promise.all(requests);
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    expect(answers.filter((answer) => answer.status === 409)).toHaveLength(19);
    expect(await totals("rush")).toMatchObject({ sessionCount: 1 });
    const badges = await send(focus.app, "POST", "/api/Badge/_getUserBadges", { body: { user: "rush" }, headers: asService });
    expect(badges.body).toHaveLength(1);
  });
});
