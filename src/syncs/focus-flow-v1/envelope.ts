/** Seed 002's `{ success, message, data }` envelope and its session shape. */
import type { ErrorReason } from "../../engine/index.ts";
import { statusForReason } from "../../concepts/Requesting/status.ts";
import type { SessionView } from "../shared/sessions.ts";

export interface FlowSession {
  id: string;
  user_id: string;
  duration_seconds: number | null;
  elapsed_seconds: number;
  status: string;
  started_at: string;
  ended_at: string | null;
}

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
