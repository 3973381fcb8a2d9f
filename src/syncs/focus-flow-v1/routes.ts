/**
 * Seed 002's routes, declared once. `{FLOW_BASE_PATH}` is configuration (default
 * `/api/flow/v1/sessions`, since seed 004 already owns `/api/v1/sessions`); the literals
 * never change. The user comes from authentication: a bearer token, or x-user-id with the API key.
 */
import { z } from "zod";
import { declareRoutes, type AnswerDeclaration } from "../../edges/http/route-declarations.ts";
import { countingDay, countQuery, idField, oneOf, timeZoneField } from "../shared/route-fields.ts";
import { failed, failedBody, flowSession, succeededBody } from "./envelope.ts";
import { maxDurationSeconds, minDurationSeconds } from "./requests.ts";

const durationMessage = `duration_seconds must be an integer from ${minDurationSeconds} to ${maxDurationSeconds}`;

const sessionId = z.object({ id: idField("id", "The session's id, as the start answered it") });
const elapsedSeconds = z
  .number({ error: "elapsed_seconds must be a non-negative number" })
  .min(0, "elapsed_seconds must be a non-negative number")
  .nullable()
  .optional()
  .describe("Seconds elapsed so far, as the client's timer counted them");

const started = { id: "f3b1c2d4-0000-4000-8000-000000000001", user_id: "user-1", duration_seconds: 1500, elapsed_seconds: 0, status: "active", started_at: "2026-02-18T08:00:00.000Z", ended_at: null };
const session = succeededBody(flowSession);

function failure(description: string, error: string): AnswerDeclaration {
  return { description, body: failedBody, example: failed(error) };
}
function answered(message: string, data: unknown): AnswerDeclaration {
  return { description: message, body: session, example: { success: true, message, data } };
}
const needsUser = "a user is required: send a bearer token, or x-user-id with the API key";
const transitionFailures = {
  403: failure("The session is another user's", "session belongs to another user"),
  404: failure("No session with this id", "session not found"),
  409: failure("The session is not in a state that allows this", "session is not active"),
};
const toSession = (description: string) => ({ description, parameters: { id: "$response.body#/data/id" } });

export const flowRoutes = declareRoutes(
  {
    title: "Focus Session Flow (seed 002)",
    name: "focus-flow-v1",
    description:
      "The session lifecycle split between client and server: the server stores session state and snapshots of elapsed time, " +
      "the timer runs on the client. Under FLOW_BASE_PATH (default /api/flow/v1/sessions). Answers are { success, message, data } " +
      "envelopes; failures { success: false, message, error, data: null }. " +
      countingDay,
    model: { name: "Session", schema: flowSession },
    refuse: failed,
  },
  {
    start: {
      route: "POST {FLOW_BASE_PATH}",
      summary: "Start a new session",
      description:
        `The user picks a duration and taps "Lock-in"; the client sends the planned duration in seconds (${minDurationSeconds} to ${maxDurationSeconds}). ` +
        "A user can only have one active or paused session at a time: starting a second one answers 409 Conflict.",
      identity: "authentication",
      body: z.object({
        duration_seconds: z
          .number({ error: durationMessage })
          .int(durationMessage)
          .min(minDurationSeconds, durationMessage)
          .max(maxDurationSeconds, durationMessage)
          .describe("25 min: 1500, 45 min: 2700, 60 min: 3600, custom: 60 to 86400"),
        timeZone: timeZoneField("Where the user is (IANA name, e.g. Asia/Kolkata); defaults to the X-Time-Zone header, else the user's last known zone").optional(),
      }),
      example: { body: { duration_seconds: 1500 } },
      answers: {
        201: answered("focus session started", started),
        400: failure("No user, or duration_seconds outside 60..86400", needsUser),
        409: failure("A session is already active or paused", "user already has a running session"),
      },
      links: {
        pause: { to: "pause", ...toSession("Pause the session just started") },
        end: { to: "end", ...toSession("End the session just started") },
      },
    },
    active: {
      route: "GET {FLOW_BASE_PATH}/active",
      summary: "Get current active or paused session",
      description: "When the app reopens, check for an active or paused session and restore the timer from elapsed_seconds and duration_seconds. data is null when no session is running.",
      identity: "authentication",
      answers: {
        200: { description: "The running session, or data: null", body: succeededBody(flowSession.nullable()), example: { success: true, message: "active session", data: started } },
        400: failure("No user", needsUser),
      },
    },
    pause: {
      route: "PATCH {FLOW_BASE_PATH}/:id/pause",
      summary: "Pause a session",
      description: 'The client reports how many seconds have elapsed so far; the status becomes "paused" and elapsed_seconds is saved.',
      identity: "authentication",
      params: sessionId,
      body: z.object({ elapsed_seconds: elapsedSeconds, status: oneOf(["paused"], 'status must be "paused" (or left out)', '"paused", or left out').optional() }),
      example: { params: { id: started.id }, body: { elapsed_seconds: 750, status: "paused" } },
      answers: { 200: answered("focus session paused", { ...started, elapsed_seconds: 750, status: "paused" }), 400: failure("No user, or a field of the wrong kind", needsUser), ...transitionFailures },
      links: { resume: { to: "resume", ...toSession("Resume the session just paused") } },
    },
    resume: {
      route: "PATCH {FLOW_BASE_PATH}/:id/resume",
      summary: "Resume a paused session",
      description: 'No request body is needed: the status flips back to "active"; the client resumes its timer from the saved elapsed_seconds.',
      identity: "authentication",
      params: sessionId,
      example: { params: { id: started.id } },
      answers: { 200: answered("focus session resumed", { ...started, elapsed_seconds: 750 }), 400: failure("No user", needsUser), ...transitionFailures },
    },
    end: {
      route: "PATCH {FLOW_BASE_PATH}/:id/end",
      summary: "End a session (completed or abandoned)",
      description: 'Only "completed" triggers the post-session effects (daily progress, streak, badges); abandoned sessions are recorded but count for nothing.',
      identity: "authentication",
      params: sessionId,
      body: z.object({
        elapsed_seconds: elapsedSeconds,
        status: oneOf(["completed", "abandoned"], 'status must be "completed" or "abandoned"', "completed: finished the full session; abandoned: quit early"),
        timeZone: timeZoneField("Where the user is as the session ends (IANA name); defaults to the X-Time-Zone header, else the session's zone").optional(),
      }),
      example: { params: { id: started.id }, body: { elapsed_seconds: 1500, status: "completed" } },
      answers: {
        200: answered("focus session ended", { ...started, elapsed_seconds: 1500, status: "completed", ended_at: "2026-02-18T08:25:00.000Z" }),
        400: failure("No user, or status other than completed/abandoned", 'status must be "completed" or "abandoned"'),
        ...transitionFailures,
      },
    },
    history: {
      route: "GET {FLOW_BASE_PATH}",
      summary: "Get session history",
      description: "The user's sessions, newest first.",
      identity: "authentication",
      query: z.object({
        status: oneOf(["active", "paused", "completed", "abandoned", "cancelled"], "status must be one of active, paused, completed, abandoned, cancelled", "Only sessions with this status").optional(),
        limit: countQuery("limit must be an integer from 1 to 1000", { min: 1, max: 1000 }, "At most this many sessions").optional(),
      }),
      example: { query: { status: "completed", limit: "10" } },
      answers: {
        200: { description: "The history", body: succeededBody(z.array(flowSession)), example: { success: true, message: "session history", data: [] } },
        400: failure("No user, or a filter of the wrong kind", needsUser),
      },
    },
  },
);
