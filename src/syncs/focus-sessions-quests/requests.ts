/**
 * How seed 001's requests read. The user comes from authentication: a bearer token's `sub`,
 * or the `x-user-id` header sent with the API key.
 */
import { idHint, isId } from "../../utils/schemas.ts";
import type { Refusal } from "../shared/decisions.ts";
import { namedZone } from "../shared/zones.ts";

type Fields = Readonly<Record<string, unknown>>;

function refuse(status: number, error: string): Refusal {
  return { kind: "refuse", status, body: { error } };
}

const needsUser = "a user is required: send a bearer token, or x-user-id with the API key";
const minuteMs = 60_000;
export const defaultListLimit = 20;
const maxListLimit = 1000;
const statuses = ["active", "paused", "completed", "cancelled", "abandoned"];

function optionalText(value: unknown): value is string | null | undefined {
  return value === undefined || value === null || (typeof value === "string" && value.length <= 10_000);
}

/** The path's session id, or the refusal when it is longer than an id may be. */
function sessionOf(params: Fields): string | Refusal {
  const session = String(params["id"]);
  return isId(session) ? session : refuse(400, `id ${idHint}`);
}

export type StartDecision = Refusal | { kind: "start"; user: string; questId?: string | null; description?: string | null; targetDurationMs: number; timeZone?: string };

export function decideStart(body: Fields, user: string | null, header: unknown = null): StartDecision {
  if (user === null) return refuse(400, needsUser);
  const { quest_id: questId, description, duration_minutes: minutes } = body;
  if (typeof minutes !== "number" || !Number.isInteger(minutes) || minutes <= 0) return refuse(400, "duration_minutes is required and must be a positive integer");
  if (!optionalText(questId) || questId === "") return refuse(400, "quest_id must be a non-empty string");
  if (typeof questId === "string" && !isId(questId)) return refuse(400, `quest_id ${idHint}`);
  if (!optionalText(description)) return refuse(400, "description must be a string");
  const zone = namedZone(body, header);
  if ("problem" in zone) return refuse(400, zone.problem);
  return { kind: "start", user, questId, description, targetDurationMs: minutes * minuteMs, timeZone: zone.zone };
}

export type UpdateDecision = Refusal | { kind: "end"; user: string; session: string; status: "completed" | "cancelled"; timeZone?: string };

export function decideUpdate(body: Fields, params: Fields, user: string | null, header: unknown = null): UpdateDecision {
  if (user === null) return refuse(400, needsUser);
  const { status } = body;
  if (status !== "completed" && status !== "cancelled") return refuse(400, 'status must be "completed" or "cancelled"');
  const zone = namedZone(body, header);
  if ("problem" in zone) return refuse(400, zone.problem);
  const session = sessionOf(params);
  if (typeof session === "object") return session;
  return { kind: "end", user, session, status, timeZone: zone.zone };
}

export type DeleteDecision = Refusal | { kind: "delete"; user: string; session: string };

export function decideDelete(params: Fields, user: string | null): DeleteDecision {
  if (user === null) return refuse(400, needsUser);
  const session = sessionOf(params);
  if (typeof session === "object") return session;
  return { kind: "delete", user, session };
}

export type ListDecision = Refusal | { kind: "list"; user: string; questId?: string; status?: string; limit: number };

export function decideList(query: Fields, user: string | null): ListDecision {
  if (user === null) return refuse(400, needsUser);
  const { quest_id: questId, status, limit } = query;
  if (status !== undefined && (typeof status !== "string" || !statuses.includes(status))) return refuse(400, `status must be one of ${statuses.join(", ")}`);
  const count = limit === undefined ? defaultListLimit : typeof limit === "string" && /^\d+$/.test(limit) ? Number(limit) : Number.NaN;
  if (!(count >= 1 && count <= maxListLimit)) return refuse(400, `limit must be an integer from 1 to ${maxListLimit}`);
  if (typeof questId === "string" && questId !== "" && !isId(questId)) return refuse(400, `quest_id ${idHint}`);
  return { kind: "list", user, questId: typeof questId === "string" && questId !== "" ? questId : undefined, status: status as string | undefined, limit: count };
}
