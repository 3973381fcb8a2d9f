/** Seed 001's routes. */
export const questSessionRoutes = {
  start: "POST /focus-sessions",
  update: "PATCH /focus-sessions/:id",
  list: "GET /focus-sessions",
  delete: "DELETE /focus-sessions/:id",
} as const;
