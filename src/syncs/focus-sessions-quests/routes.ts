/**
 * Seed 001's routes, declared once. The user comes from authentication: a bearer token, or
 * x-user-id with the API key. Answers are the session object itself; errors `{ error }`.
 */
import { z } from "zod";
import { declareRoutes } from "../../edges/http/route-declarations.ts";
import { countingDay, countQuery, errorAnswer, errorBody, idField, oneOf, timeZoneField } from "../shared/route-fields.ts";
import { defaultListLimit } from "./requests.ts";
import { questSession } from "./session-shape.ts";

const statuses = ["active", "paused", "completed", "cancelled", "abandoned"] as const;
const sessionId = z.object({ id: idField("id", "The session's id, as the start answered it") });
const needsUser = errorAnswer("a user is required: send a bearer token, or x-user-id with the API key");
const started = {
  id: "f1c2d3e4-0000-4000-8000-000000000001",
  quest_id: "q1",
  description: "Writing Chapter 1",
  duration_minutes: 25,
  status: "active",
  started_at: "2023-10-27T10:00:00.000Z",
  completed_at: null,
};
const completed = { ...started, status: "completed", completed_at: "2023-10-27T10:25:00.000Z" };
const sessionFailures = {
  403: { description: "The session is another user's", body: errorBody, example: errorAnswer("session belongs to another user") },
  404: { description: "No session with this id", body: errorBody, example: errorAnswer("session not found") },
};
const toSession = (description: string) => ({ description, parameters: { id: "$response.body#/id" } });

export const questSessionRoutes = declareRoutes(
  {
    title: "Focus Sessions with quests (seed 001)",
    name: "focus-sessions-quests",
    description:
      'Focus Sessions track "Deep Work" or Pomodoro-style sessions, optionally linked to a Quest to track time spent on specific goals. Under /focus-sessions; errors are { error }. ' +
      countingDay,
    model: { name: "Focus session", schema: questSession },
    refuse: errorAnswer,
  },
  {
    start: {
      route: "POST /focus-sessions",
      summary: "Start Session",
      description: "Creates a new active focus session (one running session per user: a second answers 409).",
      identity: "authentication",
      body: z.object({
        quest_id: idField("quest_id", "The quest, optional").nullable().optional(),
        description: z.string({ error: "description must be a string" }).max(10_000, "description must be a string").nullable().optional(),
        duration_minutes: z
          .number({ error: "duration_minutes is required and must be a positive integer" })
          .int("duration_minutes is required and must be a positive integer")
          .positive("duration_minutes is required and must be a positive integer")
          .describe("target duration"),
        timeZone: timeZoneField("Where the user is (IANA name, e.g. Europe/Paris); defaults to the X-Time-Zone header, else the user's last known zone").optional(),
      }),
      example: { body: { quest_id: "q1", description: "Writing Chapter 1", duration_minutes: 25 } },
      answers: {
        200: { description: "The created object, with status active", body: questSession, example: started },
        400: { description: "No user, or duration_minutes missing or not a positive integer", body: errorBody, example: errorAnswer("duration_minutes is required and must be a positive integer") },
        409: { description: "A session is already running", body: errorBody, example: errorAnswer("user already has a running session") },
      },
      links: {
        update: { to: "update", ...toSession("Complete or cancel the session just started") },
        delete: { to: "delete", ...toSession("Delete the session just started") },
      },
    },
    update: {
      route: "PATCH /focus-sessions/:id",
      summary: "Update Session (Complete/Cancel)",
      description: "Marks a session completed when the timer ends (the backend sets completed_at to the current time), or cancelled if interrupted.",
      identity: "authentication",
      params: sessionId,
      body: z.object({
        status: oneOf(["completed", "cancelled"], 'status must be "completed" or "cancelled"', "completed or cancelled"),
        timeZone: timeZoneField("Where the user is as the session ends (IANA name); defaults to the X-Time-Zone header, else the session's zone").optional(),
      }),
      example: { params: { id: started.id }, body: { status: "completed" } },
      answers: {
        200: { description: "The updated object", body: questSession, example: completed },
        400: { description: "No user, or status other than completed/cancelled", body: errorBody, example: errorAnswer('status must be "completed" or "cancelled"') },
        ...sessionFailures,
        409: { description: "The session has already ended", body: errorBody, example: errorAnswer("session has already ended (completed)") },
      },
    },
    list: {
      route: "GET /focus-sessions",
      summary: "List Sessions (History)",
      description: 'A history of focus sessions, newest first. Useful for analytics ("How many hours did I work today?").',
      identity: "authentication",
      query: z.object({
        quest_id: z.string().optional().describe("Only sessions of this quest"),
        status: oneOf(statuses, `status must be one of ${statuses.join(", ")}`, "Only sessions with this status, e.g. completed").optional(),
        limit: countQuery("limit must be an integer from 1 to 1000", { min: 1, max: 1000 }, `At most this many (default ${defaultListLimit})`).optional(),
      }),
      example: { query: { status: "completed", limit: "20" } },
      answers: {
        200: { description: "The sessions", body: z.array(questSession), example: [completed] },
        400: { description: "No user, or a filter of the wrong kind", body: errorBody, example: needsUser },
      },
    },
    delete: {
      route: "DELETE /focus-sessions/:id",
      summary: "Delete Session",
      description: "Deletes a session history record (a completed one also leaves the statistics).",
      identity: "authentication",
      params: sessionId,
      example: { params: { id: started.id } },
      answers: {
        200: { description: "Deleted", body: z.object({ id: z.string(), deleted: z.literal(true) }), example: { id: started.id, deleted: true } },
        400: { description: "No user", body: errorBody, example: needsUser },
        ...sessionFailures,
      },
    },
  },
);
