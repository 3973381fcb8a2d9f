/**
 * What a frontend writes with the typed client, checked by TypeScript (`npm run typecheck`,
 * and `client.test.ts` runs tsc on this file alone): the calls below type-check, and each
 * `@ts-expect-error` marks a mistake the compiler must refuse (tsc fails if it does not).
 */
import type { Client } from "openapi-fetch";
import type { paths } from "../../client/index.ts";

export async function startAndReadTimer(api: Client<paths>): Promise<{ timerId: string; remainingMs: number | undefined }> {
  const { data, error } = await api.POST("/api/FocusTimer/start", { body: { durationMs: 25 * 60_000, phase: "reading" } });
  if (data === undefined) throw new Error(error.error);
  const timer = await api.POST("/api/FocusTimer/_getTimer", { body: { timerId: data.timerId } });
  return { timerId: data.timerId, remainingMs: timer.data?.[0]?.remainingMs };
}

export async function studySession(api: Client<paths>, userId: string): Promise<{ status: string; badgeCount: number | undefined; listed: number }> {
  const started = await api.POST("/api/v1/sessions", { body: { userId, subject: "Calculus", targetDurationMillis: 3_600_000 } });
  if (started.data === undefined) throw new Error(started.error.error);
  const completed = await api.PATCH("/api/v1/sessions/{sessionId}", {
    params: { path: { sessionId: started.data.session.id } },
    body: { endStudyTimestamp: Date.now(), sessionLengthMillis: 1_500_000 },
  });
  if (completed.data === undefined) throw new Error(completed.error.error);
  const listed = await api.GET("/api/v1/sessions", { params: { query: { userId, limit: 5 } } });
  return { status: completed.data.session.status, badgeCount: completed.data.badgeCount, listed: listed.data?.sessions.length ?? 0 };
}

export async function flowSession(api: Client<paths>): Promise<string | undefined> {
  const started = await api.POST("/api/flow/v1/sessions", { body: { duration_seconds: 1500 } });
  return started.data?.data.status;
}

/** Never called: each line is a mistake the compiler catches. */
export function mistakes(api: Client<paths>): void {
  // @ts-expect-error `durationMS` is misspelt (the field is durationMs)
  void api.POST("/api/FocusTimer/start", { body: { durationMS: 1500, phase: "reading" } });
  // @ts-expect-error durationMs is a number, not text
  void api.POST("/api/FocusTimer/start", { body: { durationMs: "25 minutes", phase: "reading" } });
  // @ts-expect-error phase is "reading" or "break"
  void api.POST("/api/FocusTimer/start", { body: { durationMs: 1500, phase: "nap" } });
  // @ts-expect-error seed 004 requires a subject
  void api.POST("/api/v1/sessions", { body: { userId: "ada" } });
  // @ts-expect-error limit is a number
  void api.GET("/api/v1/sessions", { params: { query: { userId: "ada", limit: "five" } } });
  // @ts-expect-error there is no such route
  void api.GET("/api/v1/session");
  // @ts-expect-error the session id is a path parameter the call must give
  void api.PATCH("/api/v1/sessions/{sessionId}", { body: { notes: "x" } });
}
