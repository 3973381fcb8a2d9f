/**
 * How seed 002's requests read. The user comes from authentication: a bearer token's `sub`,
 * or the `x-user-id` header sent with the API key.
 */
import { idHint, isId } from "../../utils/schemas.ts";
import type { Refusal } from "../shared/decisions.ts";
import { namedZone } from "../shared/zones.ts";
import { failed } from "./envelope.ts";

type Fields = Readonly<Record<string, unknown>>;

function refuse(status: number, error: string): Refusal {
  return { kind: "refuse", status, body: failed(error) };
}

export const minDurationSeconds = 60;
export const maxDurationSeconds = 86_400;

const needsUser = "a user is required: send a bearer token, or x-user-id with the API key";

export type StartDecision = Refusal | { kind: "start"; user: string; targetDurationMs: number; timeZone?: string };

export function decideStart(body: Fields, user: string | null, header: unknown = null): StartDecision {
  if (user === null) return refuse(400, needsUser);
  const seconds = body["duration_seconds"];
  if (typeof seconds !== "number" || !Number.isInteger(seconds) || seconds < minDurationSeconds || seconds > maxDurationSeconds) {
    return refuse(400, `duration_seconds must be an integer from ${minDurationSeconds} to ${maxDurationSeconds}`);
  }
  const zone = namedZone(body, header);
  if ("problem" in zone) return refuse(400, zone.problem);
  return { kind: "start", user, targetDurationMs: seconds * 1000, timeZone: zone.zone };
}

/** `elapsed_seconds` as milliseconds; undefined when left out (the server's clock decides). */
function elapsedOf(body: Fields): number | undefined | Refusal {
  const seconds = body["elapsed_seconds"];
  if (seconds === undefined || seconds === null) return undefined;
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) return refuse(400, "elapsed_seconds must be a non-negative number");
  return seconds * 1000;
}

/** The path's session id, or the refusal when it is longer than an id may be. */
function sessionOf(params: Fields): string | Refusal {
  const session = String(params["id"]);
  return isId(session) ? session : refuse(400, `id ${idHint}`);
}

export type TransitionDecision =
  | Refusal
  | { kind: "pause"; user: string; session: string; elapsedMs?: number }
  | { kind: "resume"; user: string; session: string }
  | { kind: "end"; user: string; session: string; status: "completed" | "abandoned"; elapsedMs?: number; timeZone?: string };

export function decidePause(body: Fields, params: Fields, user: string | null): TransitionDecision {
  if (user === null) return refuse(400, needsUser);
  if (body["status"] !== undefined && body["status"] !== "paused") return refuse(400, 'status must be "paused" (or left out)');
  const elapsedMs = elapsedOf(body);
  if (typeof elapsedMs === "object") return elapsedMs;
  const session = sessionOf(params);
  if (typeof session === "object") return session;
  return { kind: "pause", user, session, elapsedMs };
}

export function decideResume(params: Fields, user: string | null): TransitionDecision {
  if (user === null) return refuse(400, needsUser);
  const session = sessionOf(params);
  if (typeof session === "object") return session;
  return { kind: "resume", user, session };
}

export function decideEnd(body: Fields, params: Fields, user: string | null, header: unknown = null): TransitionDecision {
  if (user === null) return refuse(400, needsUser);
  const status = body["status"];
  if (status !== "completed" && status !== "abandoned") return refuse(400, 'status must be "completed" or "abandoned"');
  const elapsedMs = elapsedOf(body);
  if (typeof elapsedMs === "object") return elapsedMs;
  const zone = namedZone(body, header);
  if ("problem" in zone) return refuse(400, zone.problem);
  const session = sessionOf(params);
  if (typeof session === "object") return session;
  return { kind: "end", user, session, status, elapsedMs, timeZone: zone.zone };
}

export type ReadDecision = Refusal | { kind: "read"; user: string; status?: string; limit?: number };

const statuses = ["active", "paused", "completed", "abandoned", "cancelled"];

export function decideHistory(query: Fields, user: string | null): ReadDecision {
  if (user === null) return refuse(400, needsUser);
  const { status, limit } = query;
  if (status !== undefined && (typeof status !== "string" || !statuses.includes(status))) return refuse(400, `status must be one of ${statuses.join(", ")}`);
  const count = limit === undefined ? undefined : typeof limit === "string" && /^\d+$/.test(limit) ? Number(limit) : Number.NaN;
  if (count !== undefined && !(count >= 1 && count <= 1000)) return refuse(400, "limit must be an integer from 1 to 1000");
  return { kind: "read", user, status: status as string | undefined, limit: count };
}

export function decideActive(user: string | null): ReadDecision {
  return user === null ? refuse(400, needsUser) : { kind: "read", user };
}
