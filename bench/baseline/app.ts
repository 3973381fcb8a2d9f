/**
 * Seed 004's four routes and `POST /api/FocusStats/_viewStats`, as plain hono handlers:
 * validate with zod, call the store, answer in the seed's shapes with the project's status
 * codes and messages. Pausing and resuming through PATCH (`status: "paused"`), Idempotency-Key,
 * bearer tokens, CORS and request logging are left out: the benchmarks use none of them.
 */
import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { jsonObject, limitBody, requireApiKey } from "../support/plain-server.ts";
import { maxListLimit, statuses, type SessionDoc, type Store } from "./store.ts";

/** A client's mistake, answered with its status and `{ error }`. */
class Refusal extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
  ) {
    super(message);
  }
}

const dayMs = 24 * 60 * 60 * 1000;
const earliest = Date.UTC(2000, 0, 1);

/** A non-blank string, `message` when missing or blank. */
const required = (message: string) => z.string({ error: message }).refine((value) => value.trim() !== "", message).pipe(z.string().max(200));

/** ISO 8601 or epoch milliseconds (a number, or digits in a query string). */
const time = (field: string) =>
  z
    .union([z.number().int().nonnegative(), z.string().regex(/^\d{1,16}$/).transform(Number), z.iso.datetime({ offset: true, local: true }), z.iso.date()], {
      error: `${field} must be an ISO 8601 time or epoch milliseconds`,
    })
    .transform((value) => new Date(value))
    .refine((date) => !Number.isNaN(date.getTime()), `${field} must be a valid time`);

/** A time the client says something happened at: not before 2000, not more than a day ahead. */
const plausibleTime = (field: string) =>
  time(field).refine((date) => date.getTime() >= earliest && date.getTime() <= Date.now() + dayMs, `${field} must be between 2000-01-01 and a day from now`);

/** An inclusive upper bound: a bare date means the whole of that day (UTC). */
const upperBound = (field: string) =>
  z.union([z.iso.date().transform((day) => new Date(Date.parse(day) + dayMs - 1)), time(field)], { error: `${field} must be an ISO 8601 time or epoch milliseconds` });

const status = z.enum(statuses, { error: `status must be one of ${statuses.join(", ")}` });
const notes = z.string({ error: "notes must be a string" }).max(10_000).nullish();

const startBody = z.object({
  userId: required("userId is required"),
  subject: required("subject is required"),
  startTimestamp: plausibleTime("startTimestamp").optional(),
  targetDurationMillis: z.number({ error: "targetDurationMillis must be a positive number" }).positive().finite().nullish(),
  notes,
});

const updateBody = z.object({
  status: z.enum(["completed", "abandoned", "cancelled"], { error: "status must be one of completed, abandoned, cancelled" }).optional(),
  endStudyTimestamp: plausibleTime("endStudyTimestamp").optional(),
  sessionLengthMillis: z.number({ error: "sessionLengthMillis must be a non-negative number" }).nonnegative().finite().nullish(),
  notes,
});

const listQuery = z.object({
  userId: required("userId query parameter is required"),
  limit: z
    .string()
    .regex(/^\d+$/, "limit must be a positive integer")
    .transform(Number)
    .refine((limit) => limit >= 1, "limit must be a positive integer")
    .optional(),
  status: status.optional(),
  subject: z.string().optional(),
  endedAfter: time("endedAfter").optional(),
  endedBefore: upperBound("endedBefore").optional(),
});

const summaryQuery = z.object({
  userId: required("userId query parameter is required"),
  from: time("from").optional(),
  to: upperBound("to").optional(),
  status: status.default("completed"),
});

const viewStatsBody = z.object({ user: z.string({ error: "user is required" }).min(1, "user is required").max(200) });

export function createApp(store: Store, apiKey: string | undefined): Hono {
  const app = new Hono();
  app.use(requireApiKey(apiKey), limitBody);

  app.post("/api/v1/sessions", async (c) => {
    const body = parse(startBody, await readBody(c));
    const session = await store.start({
      userId: body.userId,
      subject: body.subject,
      startTimestamp: body.startTimestamp,
      targetDurationMillis: body.targetDurationMillis ?? null,
      notes: body.notes ?? null,
    });
    if (session === null) throw new Refusal(409, "user already has a running session");
    return c.json({ session: toSession(session) }, 201);
  });

  app.patch("/api/v1/sessions", () => {
    throw new Refusal(400, "sessionId is required");
  });

  app.patch("/api/v1/sessions/:sessionId", async (c) => {
    const sessionId = c.req.param("sessionId");
    const body = parse(updateBody, await readBody(c));
    const wanted = body.status ?? (body.endStudyTimestamp === undefined ? undefined : "completed");
    if (wanted === undefined) {
      if (body.notes === undefined) throw new Refusal(400, "endStudyTimestamp is required");
      return c.json({ session: toSession(found(await store.setNotes(sessionId, body.notes))) });
    }
    if (wanted === "completed" && body.endStudyTimestamp === undefined) throw new Refusal(400, "endStudyTimestamp is required");
    const session = found(await store.find(sessionId));
    if (session.status !== "in_progress") throw new Refusal(409, `Session already ended (${session.status})`);
    const endedAt = body.endStudyTimestamp ?? new Date();
    if (endedAt < session.startTimestamp) throw new Refusal(400, "endStudyTimestamp is before the session started");
    const ended = await store.end(session, {
      status: wanted,
      endStudyTimestamp: endedAt,
      sessionLength: body.sessionLengthMillis ?? endedAt.getTime() - session.startTimestamp.getTime(),
      ...(body.notes !== undefined && { notes: body.notes }),
    });
    if (ended === null) throw new Refusal(409, "Session already ended");
    if (wanted !== "completed") return c.json({ session: toSession(ended) });
    const { newBadges, badgeCount, badgeCheckFailed } = await store.recordCompletion(ended);
    return c.json({
      session: toSession(ended),
      newBadgesEarned: newBadges.map(({ id, name, description }) => ({ id, name, description })),
      badgeCount,
      ...(badgeCheckFailed && { badgeCheckFailed }),
    });
  });

  app.get("/api/v1/sessions/summary", async (c) => {
    const query = parse(summaryQuery, c.req.query());
    return c.json(await store.summary({ userId: query.userId, status: query.status, endedAfter: query.from, endedBefore: query.to }));
  });

  app.get("/api/v1/sessions", async (c) => {
    const { limit, ...filter } = parse(listQuery, c.req.query());
    const sessions = await store.list(filter, Math.min(limit ?? maxListLimit, maxListLimit));
    return c.json({ sessions: sessions.map(toSession) });
  });

  app.post("/api/FocusStats/_viewStats", async (c) => {
    const { user } = parse(viewStatsBody, await readBody(c));
    const focusSessionIds = await store.completedSessionIds(user);
    if (focusSessionIds.length === 0) throw new Refusal(404, `no focus stats for user ${user}`);
    return c.json([{ focusStats: { id: user, user, focusSessionIds } }]);
  });

  app.notFound((c) => c.json({ error: "not found" }, 404));
  app.onError((error, c) => {
    if (error instanceof Refusal) return c.json({ error: error.message }, error.status);
    console.error(error);
    return c.json({ error: "internal server error" }, 500);
  });
  return app;
}

function toSession(doc: SessionDoc) {
  return {
    id: doc._id,
    userId: doc.userId,
    subject: doc.subject,
    status: doc.status,
    startTimestamp: doc.startTimestamp.getTime(),
    endStudyTimestamp: doc.endStudyTimestamp?.getTime() ?? null,
    targetDurationMillis: doc.targetDurationMillis,
    sessionLength: doc.sessionLength,
    notes: doc.notes,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}

function found(session: SessionDoc | null): SessionDoc {
  if (session === null) throw new Refusal(404, "Session not found");
  return session;
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new Refusal(400, result.error.issues[0]?.message ?? "invalid request");
  return result.data;
}

/** The JSON object body; `{}` when there is none. */
async function readBody(c: Context): Promise<unknown> {
  const body = jsonObject(await c.req.text());
  if (body === undefined) throw new Refusal(400, "body must be a JSON object");
  return body;
}
