/** Seed 004's routes, as the syncs listen to them (the bridge serves exactly these). */
export const studySessionRoutes = {
  start: "POST /api/v1/sessions",
  update: "PATCH /api/v1/sessions/:sessionId",
  /** The same route with the id left out, so that it answers "sessionId is required". */
  updateWithoutId: "PATCH /api/v1/sessions",
  list: "GET /api/v1/sessions",
  summary: "GET /api/v1/sessions/summary",
} as const;
