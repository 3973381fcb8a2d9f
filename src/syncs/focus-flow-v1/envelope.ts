/** Seed 002's `{ success, message, data }` envelope and its session shape. */
import { z } from "zod";
import type { ErrorReason } from "../../engine/index.ts";
import { statusForReason } from "../../concepts/Requesting/status.ts";
import type { SessionView } from "../shared/sessions.ts";

/** Seed 002's session, the one declaration of it: docs and types derive from it. */
export const flowSession = z.object({
  id: z.string(),
  user_id: z.string(),
  duration_seconds: z.number().nullable().describe("the planned duration"),
  elapsed_seconds: z.number().describe("as the client last reported it (or the server measured)"),
  status: z.string().describe('"active", "paused", "completed" or "abandoned"'),
  started_at: z.string().describe("ISO 8601"),
  ended_at: z.string().nullable().describe("ISO 8601; null while running"),
});
export type FlowSession = z.infer<typeof flowSession>;

/** `{ success: true, message, data }` around `data`. */
export function succeededBody<T extends z.ZodType>(data: T) {
  return z.object({ success: z.literal(true), message: z.string(), data });
}

/** The failure envelope: `{ success: false, message, error, data: null }`. */
export const failedBody = z.object({ success: z.literal(false), message: z.string(), error: z.string(), data: z.null() });

export function toFlowSession(view: SessionView): FlowSession {
  return {
    id: view.session,
    user_id: view.user,
    duration_seconds: view.targetDurationMs === null ? null : Math.round(view.targetDurationMs / 1000),
    elapsed_seconds: Math.floor(view.elapsedMs / 1000),
    status: view.status,
    started_at: view.startedAt.toISOString(),
    ended_at: view.endedAt === null ? null : view.endedAt.toISOString(),
  };
}

export function succeeded(message: string, data: unknown): { success: true; message: string; data: unknown } {
  return { success: true, message, data };
}

/** A failure keeps the envelope, with `success: false` and the reason in `error`. */
export function failed(error: string): { success: false; message: string; error: string; data: null } {
  return { success: false, message: error, error, data: null };
}

/** A concept's failure in this dialect: another user's session is 403, as CONTRACTS.md says. */
export function flowError(error: string, reason: ErrorReason | undefined): { status: number; body: ReturnType<typeof failed> } {
  return { status: statusForReason(reason), body: failed(error) };
}

/** Answers with the session in the envelope, under `message`. */
export function sessionAnswer(message: string): (view: SessionView) => ReturnType<typeof succeeded> {
  return (view) => succeeded(message, toFlowSession(view));
}
