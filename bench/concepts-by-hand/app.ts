/**
 * Seed 004's four routes and `POST /api/FocusStats/_viewStats` over the project's own five
 * concepts, called from plain hono handlers in the order the syncs call them: no engine, no
 * action log, no Requesting, none of the edge's middleware but the API key and the body limit.
 * Requests are read and answers worded by the dialect's own functions (`decideStart`,
 * `sessionBody`, `studyError`...), so the answers are the project's. Concepts get no
 * idempotency keys: nothing here is ever replayed.
 *
 * What it measures, beside the project and the baseline: what any engine over these concepts
 * could cost at best, so that `bench:compare` tells the engine's cost from the concepts' own.
 * Pausing, resuming and notes-only PATCHes are left out (answered 501): no benchmark sends them.
 */
import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Db } from "mongodb";
import { BadgeConcept } from "../../src/concepts/Badge/BadgeConcept.ts";
import { FocusSessionConcept } from "../../src/concepts/FocusSession/FocusSessionConcept.ts";
import { FocusStatsConcept } from "../../src/concepts/FocusStats/FocusStatsConcept.ts";
import { StreakConcept } from "../../src/concepts/Streak/StreakConcept.ts";
import { isErrorOutput, type ErrorOutput } from "../../src/engine/concept.ts";
import { sessionBody, studyError } from "../../src/syncs/study-sessions-v1/answers.ts";
import { boundInstant } from "../../src/syncs/shared/zones.ts";
import { decideList, decideStart, decideSummary, decideUpdate } from "../../src/syncs/study-sessions-v1/requests.ts";
import { toStudySession } from "../../src/syncs/study-sessions-v1/session-shape.ts";
import { jsonObject, limitBody, requireApiKey } from "../support/plain-server.ts";

export function createConceptsApp(db: Db, apiKey: string | undefined): Hono {
  const sessions = new FocusSessionConcept(db);
  const stats = new FocusStatsConcept(db);
  const streaks = new StreakConcept(db);
  const badges = new BadgeConcept(db);
  const app = new Hono();
  app.use(requireApiKey(apiKey), limitBody);

  app.post("/api/v1/sessions", async (c) => {
    const decision = decideStart(await bodyOf(c), null);
    if (decision.kind === "refuse") return answer(c, decision.status, decision.body);
    const { kind: _kind, ...input } = decision;
    const started = await sessions.start(input);
    if (isErrorOutput(started)) return worded(c, started);
    return c.json(sessionBody(started.view), 201);
  });

  app.patch("/api/v1/sessions/:sessionId", async (c) => {
    const decision = decideUpdate(await bodyOf(c), c.req.param("sessionId"), null);
    if (decision.kind === "refuse") return answer(c, decision.status, decision.body);
    if (decision.kind !== "complete" && decision.kind !== "end") return c.json({ error: `${decision.kind} is not served by this benchmark server` }, 501);
    const { session, owner, status, endedAt, elapsedMs, notes } = decision;
    const ended = await sessions.end({ session, user: owner, status, endedAt, elapsedMs, notes });
    if (isErrorOutput(ended)) return worded(c, ended);
    if (ended.status !== "completed") return c.json(sessionBody(ended.view));
    // What the completion syncs do, in their order: the zone (the session's, else the user's
    // last known one), statistics and streak, then badges.
    const timeZone = ended.timeZone ?? (await streaks._getTimeZone({ user: ended.user }))[0]?.timeZone ?? undefined;
    const recorded = await stats.recordSession({
      focusSession: ended.session,
      user: ended.user,
      startTime: ended.startedAt,
      endTime: ended.endedAt,
      durationMs: ended.elapsedMs,
      timeZone,
      document: ended.document,
    });
    const streak = await streaks.recordActivity({ user: ended.user, at: ended.endedAt, timeZone, session: ended.session });
    if (isErrorOutput(recorded) || isErrorOutput(streak)) return c.json({ error: "recording the completion failed" }, 500);
    const evaluated = await badges.evaluate({ user: ended.user, completedSessions: recorded.sessionCount, totalFocusMs: recorded.totalFocusMs, currentStreak: streak.longest });
    if (isErrorOutput(evaluated)) return c.json({ ...sessionBody(ended.view), newBadgesEarned: [], badgeCount: 0, badgeCheckFailed: true });
    return c.json({ ...sessionBody(ended.view), newBadgesEarned: evaluated.newBadges, badgeCount: evaluated.badgeCount });
  });

  app.get("/api/v1/sessions/summary", async (c) => {
    const decision = decideSummary(c.req.query(), null);
    if (decision.kind === "refuse") return answer(c, decision.status, decision.body);
    if (decision.kind !== "completed") return c.json({ error: `summaries of ${decision.kind} sessions are not served by this benchmark server` }, 501);
    const [sum] = await stats._summary({ user: decision.user, from: decision.from, to: decision.to });
    return c.json({ totalTimeStudied: sum?.totalFocusMs ?? 0, timesStudied: sum?.sessionCount ?? 0 });
  });

  app.get("/api/v1/sessions", async (c) => {
    const decision = decideList(c.req.query(), null);
    if (decision.kind === "refuse") return answer(c, decision.status, decision.body);
    if (decision.kind === "running") return c.json({ sessions: (await sessions._getRunning({ user: decision.user })).map(toStudySession) });
    // Bare dates in the user's zone, as the syncs read them (the benchmark's users name none: UTC).
    const { kind: _kind, endedAfter, endedBefore, ...filter } = decision;
    const bounds = { endedAfter: boundInstant(endedAfter, "from", undefined), endedBefore: boundInstant(endedBefore, "to", undefined) };
    return c.json({ sessions: (await sessions._listSessions({ ...filter, ...bounds })).map(toStudySession) });
  });

  app.post("/api/FocusStats/_viewStats", async (c) => {
    const { user } = await bodyOf(c);
    if (typeof user !== "string" || user === "") return c.json({ error: "user is required" }, 400);
    const rows = await stats._viewStats({ user });
    return isErrorOutput(rows) ? c.json({ error: rows.error }, 404) : c.json(rows);
  });

  app.notFound((c) => c.json({ error: "not found" }, 404));
  app.onError((error, c) => {
    console.error(error);
    return c.json({ error: "internal server error" }, 500);
  });
  return app;
}

async function bodyOf(c: Context): Promise<Record<string, unknown>> {
  return jsonObject(await c.req.text()) ?? {};
}

function answer(c: Context, status: number, body: unknown): Response {
  return c.json(body, status as ContentfulStatusCode);
}

/** A FocusSession refusal in seed 004's words. */
function worded(c: Context, { error, reason }: ErrorOutput): Response {
  const { status, body } = studyError(error, reason);
  return answer(c, status, body);
}
