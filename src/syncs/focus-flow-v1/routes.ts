/**
 * Seed 002's routes. `{FLOW_BASE_PATH}` is configuration (default `/api/flow/v1/sessions`,
 * since seed 004 already owns `/api/v1/sessions`); the literals never change.
 */
export const flowRoutes = {
  start: "POST {FLOW_BASE_PATH}",
  active: "GET {FLOW_BASE_PATH}/active",
  pause: "PATCH {FLOW_BASE_PATH}/:id/pause",
  resume: "PATCH {FLOW_BASE_PATH}/:id/resume",
  end: "PATCH {FLOW_BASE_PATH}/:id/end",
  history: "GET {FLOW_BASE_PATH}",
} as const;
