/**
 * Which concept routes (`POST /api/<Concept>/<operation>`) are served straight to their
 * concept, in the 6.1040 template's format, so a course backend brings its own file unchanged.
 *
 * - inclusions: route -> why serving it directly is right (it is checked, and it is public);
 * - exclusions: routes left to syncs: a request there becomes
 *   `Requesting.request({ path: "/<Concept>/<operation>", ...body })`, as in the template.
 *
 * A concept route listed in neither is still served, with a warning at start. A sync that
 * listens on a route still served here is refused at start (it would never see a request).
 */

/** Route -> the reason it is served directly. */
export const inclusions: Record<string, string> = {
  // Seed 003: the FocusTimer concept API, exactly as written (CONTRACTS.md).
  "/api/FocusTimer/start": "seed 003 concept API; a user may only act for itself",
  "/api/FocusTimer/pause": "seed 003 concept API; a user may only act for itself",
  "/api/FocusTimer/resume": "seed 003 concept API; a user may only act for itself",
  "/api/FocusTimer/expire": "seed 003 concept API; a user may only act for itself",
  "/api/FocusTimer/_getTimer": "seed 003 concept API: a user's own timers",
  "/api/FocusTimer/_getActiveTimers": "seed 003 concept API: a user's own timers",
  "/api/FocusTimer/_getTimersByPhase": "seed 003 concept API: a user's own timers",
  // Seed 000: the FocusStats concept API (reading statistics).
  "/api/FocusStats/recordSession": "sync-only: a user token gets 403, the service key may backfill",
  "/api/FocusStats/removeSession": "a user may remove its own session from its statistics",
  "/api/FocusStats/_viewStats": "seed 000 concept API: a user's own statistics",
  "/api/FocusStats/_getSessions": "seed 000 concept API: a user's own statistics",
  "/api/FocusStats/_getTotals": "seed 000 concept API: a user's own statistics",
  "/api/FocusStats/_getDailyProgress": "seed 000 concept API: a user's own statistics",
  "/api/FocusStats/_summary": "seed 000 concept API: a user's own statistics",
  // The sessions, streaks and badges behind the REST dialects, as concept endpoints (CONTRACTS.md).
  "/api/FocusSession/start": "one running session per user, enforced by the concept",
  "/api/FocusSession/pause": "a user may only act on its own sessions",
  "/api/FocusSession/resume": "a user may only act on its own sessions",
  "/api/FocusSession/end": "completing runs the completion syncs (stats, streak, badges)",
  "/api/FocusSession/update": "a user may only act on its own sessions",
  "/api/FocusSession/delete": "a user may only act on its own sessions",
  "/api/FocusSession/_getRunning": "a user's own sessions",
  "/api/FocusSession/_getSession": "a user's own sessions",
  "/api/FocusSession/_listSessions": "a user's own sessions",
  "/api/Streak/recordActivity": "sync-only: a user token gets 403",
  "/api/Streak/_getStreak": "a user's own streak",
  "/api/Streak/_getTimeZone": "a user's own last known time zone",
  "/api/Badge/evaluate": "sync-only: a user token gets 403",
  "/api/Badge/define": "sync-only: a user token gets 403, the service key defines badges",
  "/api/Badge/_getUserBadges": "a user's own badges",
  "/api/Badge/_getDefinitions": "the badge catalogue is public",
};

/** Routes served by syncs instead (through `Requesting.request`); no reason needed. */
export const exclusions: Array<string> = [];
