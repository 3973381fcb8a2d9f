/**
 * Seed 004's routes, declared once: what each takes and answers, in the seed's words. The
 * bridge serves and validates exactly these, `/openapi.json` and docs/api/ document them,
 * and the syncs match on the literals this answers (`studySessionRoutes.start`).
 */
import { z } from "zod";
import { declareRoutes } from "../../edges/http/route-declarations.ts";
import { countingDay, countQuery, errorAnswer, errorBody, idField, oneOf, timeField, timeZoneField } from "../shared/route-fields.ts";
import { studySession, studyStatuses } from "./session-shape.ts";

const userId = idField("userId", "The user; may be left out when a bearer token (or x-user-id with the API key) names the user");
const statusMessage = `status must be one of ${studyStatuses.join(", ")}`;
const updateStatuses = [...studyStatuses, "paused"] as const;
const badge = z.object({ id: z.string(), name: z.string(), description: z.string() });

const exampleSession = {
  id: "session-abc",
  userId: "user-123",
  subject: "Calculus",
  status: "in_progress",
  // The seed's example says 1766277600000 for this time, which is 2025-12-21: the true epoch is this.
  startTimestamp: 1760968800000,
  endStudyTimestamp: null,
  targetDurationMillis: 3600000,
  sessionLength: null,
  notes: null,
  createdAt: "2025-10-20T14:00:00.000Z",
  updatedAt: "2025-10-20T14:00:00.000Z",
};
const completedSession = {
  ...exampleSession,
  status: "completed",
  endStudyTimestamp: 1760974200000,
  sessionLength: 5400000,
  notes: "Great focus",
  updatedAt: "2025-10-20T15:30:00.000Z",
};

const notFound = { description: "No session with this id for this user", body: errorBody, example: errorAnswer("Session not found") };

export const studySessionRoutes = declareRoutes(
  {
    title: "Study Sessions (seed 004)",
    name: "study-sessions-v1",
    description:
      "Study session lifecycle for users: start, complete/update, list, and summarize sessions, under /api/v1/sessions. " +
      "Timestamps are returned as epoch milliseconds; queries accept ISO strings or epoch milliseconds. Error shape: { error }. " +
      countingDay +
      " A bare date as a bound (from, to, endedAfter, endedBefore) is a whole calendar day; bounds may lie in the future.",
    model: { name: "Session", schema: studySession },
    refuse: errorAnswer,
  },
  {
    start: {
      route: "POST /api/v1/sessions",
      summary: "Start a session",
      description: "Create a new in-progress study session. A user has at most one running session: a second one answers 409.",
      identity: "userId",
      body: z.object({
        userId: userId.optional(),
        subject: z.string({ error: "subject is required" }).refine((text) => text.trim() !== "", "subject is required").describe("What is studied"),
        startTimestamp: timeField("startTimestamp", "ISO string or epoch ms; defaults to now").optional(),
        targetDurationMillis: z.number({ error: "targetDurationMillis must be a positive number" }).positive("targetDurationMillis must be a positive number").nullable().optional(),
        notes: z.string({ error: "notes must be a string" }).nullable().optional(),
        timeZone: timeZoneField("Where the user is (IANA name, e.g. America/New_York); defaults to the X-Time-Zone header, else the user's last known zone").optional(),
      }),
      example: { body: { userId: "user-123", subject: "Calculus", startTimestamp: "2025-10-20T14:00:00.000Z", targetDurationMillis: 3600000, timeZone: "America/New_York" } },
      answers: {
        201: { description: "The session started", body: z.object({ session: studySession }), example: { session: exampleSession } },
        400: { description: "userId is required, subject is required, or a field of the wrong kind", body: errorBody, example: errorAnswer("subject is required") },
        409: { description: "The user already has a running session", body: errorBody, example: errorAnswer("user already has a running session") },
      },
      links: {
        complete: { to: "update", description: "Complete or update the session just started", parameters: { sessionId: "$response.body#/session/id" } },
      },
    },
    update: {
      route: "PATCH /api/v1/sessions/:sessionId",
      summary: "Complete or update a session",
      description:
        "Mark a session as completed and/or update details. status defaults to \"completed\" when endStudyTimestamp is provided; " +
        '"cancelled" or "abandoned" end it without counting, "paused" pauses it, "in_progress" resumes it, notes alone change the notes. ' +
        "A completion answers the badges it earned; if badge evaluation fails, badgeCheckFailed: true with no badges.",
      identity: "userId",
      params: z.object({ sessionId: idField("sessionId", "The session's id, as the start answered it") }),
      body: z.object({
        endStudyTimestamp: timeField("endStudyTimestamp", "ISO string or epoch ms; required to complete").optional(),
        sessionLengthMillis: z.number({ error: "sessionLengthMillis must be a non-negative number" }).min(0, "sessionLengthMillis must be a non-negative number").nullable().optional().describe("actual duration in ms"),
        notes: z.string({ error: "notes must be a string" }).nullable().optional(),
        status: oneOf(updateStatuses, `status must be one of ${updateStatuses.join(", ")}`, 'defaults to "completed" when endStudyTimestamp is provided').optional(),
        timeZone: timeZoneField("Where the user is as the session ends (IANA name); the completion counts on its end's day there. Defaults to the X-Time-Zone header, else the session's zone").optional(),
      }),
      example: { params: { sessionId: "session-abc" }, body: { endStudyTimestamp: "2025-10-20T15:30:00.000Z", sessionLengthMillis: 5400000, notes: "Great focus" } },
      answers: {
        200: {
          description: "The session; a completion also answers the badges it earned",
          body: z.object({
            session: studySession,
            newBadgesEarned: z.array(badge).optional(),
            badgeCount: z.number().optional(),
            badgeCheckFailed: z.literal(true).optional(),
          }),
          example: {
            session: completedSession,
            newBadgesEarned: [{ id: "badge-1", name: "First Study", description: "Completed your first session" }],
            badgeCount: 1,
          },
        },
        400: { description: "sessionId is required, endStudyTimestamp is required, or a field of the wrong kind", body: errorBody, example: errorAnswer("endStudyTimestamp is required") },
        404: notFound,
        409: { description: "The session has already ended", body: errorBody, example: errorAnswer("Session already ended (completed)") },
      },
    },
    updateWithoutId: {
      route: "PATCH /api/v1/sessions",
      summary: "Complete or update a session, without its id",
      description: "Answers the seed's 400 sessionId is required.",
      identity: "userId",
      answers: { 400: { description: "sessionId is required", body: errorBody, example: errorAnswer("sessionId is required") } },
      undocumented: true,
    },
    list: {
      route: "GET /api/v1/sessions",
      summary: "List sessions",
      description: "List sessions for a user with optional filters; results are sorted by endStudyTimestamp desc (running sessions last).",
      identity: "userId",
      query: z.object({
        userId: userId.optional(),
        subject: z.string().optional().describe("Only sessions of this subject"),
        status: oneOf(studyStatuses, statusMessage, "Only sessions with this status").optional(),
        limit: countQuery("limit must be a positive integer", { min: 1 }, "At most this many sessions (positive integer)").optional(),
        endedAfter: timeField("endedAfter", "Sessions with endStudyTimestamp >= value (ISO or epoch ms; a bare date from the start of that day in the user's zone)").optional(),
        endedBefore: timeField("endedBefore", "Sessions with endStudyTimestamp <= value (ISO or epoch ms; a bare date includes that day, in the user's zone)").optional(),
      }),
      example: { query: { userId: "user-123", subject: "Calculus", status: "completed", limit: "10" } },
      answers: {
        200: { description: "The user's sessions", body: z.object({ sessions: z.array(studySession) }), example: { sessions: [completedSession] } },
        400: { description: "userId query parameter is required, limit must be a positive integer, or a filter of the wrong kind", body: errorBody, example: errorAnswer("userId query parameter is required") },
      },
    },
    summary: {
      route: "GET /api/v1/sessions/summary",
      summary: "Sessions summary",
      description: "Aggregate metrics for dashboards: totalTimeStudied is the sum of sessionLength in milliseconds over the filtered set.",
      identity: "userId",
      query: z.object({
        userId: userId.optional(),
        from: timeField("from", "Inclusive lower bound on endStudyTimestamp (ISO or epoch ms; a bare date: the sessions counted on that day or later, days in the user's zone)").optional(),
        to: timeField("to", "Inclusive upper bound on endStudyTimestamp (ISO or epoch ms; a bare date includes that day, in the user's zone; may lie in the future)").optional(),
        status: oneOf(studyStatuses, statusMessage, 'Defaults to "completed"').optional(),
      }),
      example: { query: { userId: "user-123", from: "2025-10-01", to: "2025-10-31" } },
      answers: {
        200: {
          description: "Time studied and sessions counted",
          body: z.object({ totalTimeStudied: z.number().describe("ms"), timesStudied: z.number() }),
          example: { totalTimeStudied: 5400000, timesStudied: 1 },
        },
        400: { description: "userId query parameter is required, or a filter of the wrong kind", body: errorBody, example: errorAnswer("userId query parameter is required") },
      },
    },
  },
);
