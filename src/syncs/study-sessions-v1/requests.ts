/**
 * How seed 004's requests read: each function takes what the bridge put in
 * `Requesting.request` (and, for an update, the session as it stands) and decides either a
 * refusal with the seed's own message or what to do. Pure functions, shared by the syncs of
 * a route.
 */
import type { Refusal } from "../shared/decisions.ts";
import { idHint, isId } from "../../utils/schemas.ts";
import { boundOf, parseTime, timeProblem } from "../shared/times.ts";
import { namedZone } from "../shared/zones.ts";
import type { CalendarDay } from "../../utils/calendar.ts";
import { isStudyStatus, studyStatuses, type StudyStatus } from "./session-shape.ts";

type Fields = Readonly<Record<string, unknown>>;

function refuse(status: number, error: string): Refusal {
  return { kind: "refuse", status, body: { error } };
}

const timeHint = "must be an ISO 8601 time or epoch milliseconds";

/** The user a request is for: the seed's `userId`, else whoever authenticated (token or x-user-id). */
function userOf(fields: Fields, authenticated: string | null): string | undefined {
  const named = fields["userId"];
  if (typeof named === "string" && named.trim() !== "") return named;
  return named === undefined || named === null ? (authenticated ?? undefined) : undefined;
}

/** The user, or the seed's refusal: missing (`required`), or longer than an id may be. */
function userOrRefusal(fields: Fields, authenticated: string | null, required: string): string | Refusal {
  const user = userOf(fields, authenticated);
  if (user === undefined) return refuse(400, required);
  return isId(user) ? user : refuse(400, `userId ${idHint}`);
}

/** A client's time of something that happened under `name`, or the refusal saying what is wrong with it. */
function timeOrRefusal(fields: Fields, name: string): Date | undefined | Refusal {
  const value = fields[name];
  if (value === undefined) return undefined;
  const time = parseTime(value);
  const problem = timeProblem(time, timeHint);
  return problem === undefined ? time : refuse(400, `${name} ${problem}`);
}

/** A range's bound under `name` (any time, or a bare date: a calendar day), or the refusal when it is neither. */
function boundOrRefusal(fields: Fields, name: string): Date | CalendarDay | undefined | Refusal {
  const value = fields[name];
  if (value === undefined) return undefined;
  return boundOf(value) ?? refuse(400, `${name} ${timeHint}`);
}

/** The zone the request names (body `timeZone`, else the X-Time-Zone header), or the refusal of a name that is no zone. */
function zoneOrRefusal(body: Fields, header: unknown): string | undefined | Refusal {
  const named = namedZone(body, header);
  return "problem" in named ? refuse(400, named.problem) : named.zone;
}

function isRefusal(value: unknown): value is Refusal {
  return typeof value === "object" && value !== null && !(value instanceof Date) && (value as { kind?: unknown }).kind === "refuse";
}

function isText(value: unknown): value is string {
  return typeof value === "string" && value.trim() !== "";
}

export type StartDecision =
  | Refusal
  | { kind: "start"; user: string; subject: string; startedAt?: Date; targetDurationMs?: number | null; notes?: string | null; timeZone?: string };

export function decideStart(body: Fields, authenticated: string | null, header: unknown = null): StartDecision {
  const user = userOrRefusal(body, authenticated, "userId is required");
  if (isRefusal(user)) return user;
  if (!isText(body["subject"])) return refuse(400, "subject is required");
  const { targetDurationMillis, notes } = body;
  const startedAt = timeOrRefusal(body, "startTimestamp");
  if (isRefusal(startedAt)) return startedAt;
  if (targetDurationMillis != null && !(typeof targetDurationMillis === "number" && targetDurationMillis > 0 && Number.isFinite(targetDurationMillis))) {
    return refuse(400, "targetDurationMillis must be a positive number");
  }
  if (notes != null && typeof notes !== "string") return refuse(400, "notes must be a string");
  const timeZone = zoneOrRefusal(body, header);
  if (isRefusal(timeZone)) return timeZone;
  return { kind: "start", user, subject: body["subject"], startedAt, targetDurationMs: targetDurationMillis as number | null | undefined, notes: notes as string | null | undefined, timeZone };
}

/** What a PATCH asks for, from its body alone: which action, with which inputs. */
export type UpdatePlan =
  | Refusal
  | { kind: "complete" | "end"; status: "completed" | "abandoned" | "cancelled"; endedAt?: Date; elapsedMs?: number; notes?: string | null; timeZone?: string }
  | { kind: "pause"; elapsedMs?: number; notes?: string | null }
  | { kind: "resume" | "details"; notes?: string | null };

/** What PATCH may set: the statuses sessions show, and `paused` (the seed's "e.g., cancelled/paused"). */
const updateStatuses = [...studyStatuses, "paused"] as const;
type UpdateStatus = (typeof updateStatuses)[number];

export function planUpdate(body: Fields, header: unknown = null): UpdatePlan {
  const { sessionLengthMillis, notes } = body;
  const status = body["status"] as UpdateStatus | undefined;
  if (status !== undefined && !(updateStatuses as readonly unknown[]).includes(status)) {
    return refuse(400, `status must be one of ${updateStatuses.join(", ")}`);
  }
  const endedAt = timeOrRefusal(body, "endStudyTimestamp");
  if (isRefusal(endedAt)) return endedAt;
  if (sessionLengthMillis != null && !(typeof sessionLengthMillis === "number" && sessionLengthMillis >= 0 && Number.isFinite(sessionLengthMillis))) {
    return refuse(400, "sessionLengthMillis must be a non-negative number");
  }
  if (notes != null && typeof notes !== "string") return refuse(400, "notes must be a string");
  const timeZone = zoneOrRefusal(body, header);
  if (isRefusal(timeZone)) return timeZone;
  const elapsedMs = (sessionLengthMillis ?? undefined) as number | undefined;
  const details = { notes: notes as string | null | undefined };
  // The seed: status defaults to "completed" when endStudyTimestamp is given.
  const wanted = status ?? (endedAt === undefined ? undefined : "completed");
  switch (wanted) {
    case undefined:
      return notes === undefined ? refuse(400, "endStudyTimestamp is required") : { kind: "details", ...details };
    case "completed":
      if (endedAt === undefined) return refuse(400, "endStudyTimestamp is required");
      return { kind: "complete", status: wanted, endedAt, elapsedMs, timeZone, ...details };
    case "abandoned":
    case "cancelled":
      return { kind: "end", status: wanted, endedAt, elapsedMs, timeZone, ...details };
    case "paused":
      return { kind: "pause", elapsedMs, ...details };
    case "in_progress":
      return { kind: "resume", ...details };
  }
}

export type UpdateDecision = Exclude<UpdatePlan, Refusal> extends infer P ? Refusal | (P & { session: string; owner: string | undefined }) : never;

/**
 * A PATCH, decided from the request alone: which action, on which session, for whom (a
 * token's user; with the service key, whoever owns it). The session's own state (missing,
 * another user's, already ended, ended before it started) is FocusSession's to check, in the
 * same write that changes it: its refusals are answered in the seed's words (`studyError`).
 */
export function decideUpdate(body: Fields, sessionId: unknown, authenticated: string | null, header: unknown = null): UpdateDecision {
  if (!isText(sessionId)) return refuse(400, "sessionId is required");
  if (!isId(sessionId)) return refuse(400, `sessionId ${idHint}`);
  const plan = planUpdate(body, header);
  if (plan.kind === "refuse") return plan;
  return { ...plan, session: sessionId, owner: authenticated ?? undefined };
}

/**
 * `in_progress` asks for the running session (at most one per user, and never ended, so
 * the end-time bounds exclude it); any other status is FocusSession's own.
 */
export type ListDecision =
  | Refusal
  | { kind: "running"; user: string; subject?: string; ended: boolean }
  | { kind: "list"; user: string; status?: Exclude<StudyStatus, "in_progress">; subject?: string; endedAfter?: Date | CalendarDay; endedBefore?: Date | CalendarDay; limit?: number };

/** The most sessions one listing answers (FocusSession's own cap). */
const listCap = 1000;

export function decideList(query: Fields, authenticated: string | null): ListDecision {
  const user = userOrRefusal(query, authenticated, "userId query parameter is required");
  if (isRefusal(user)) return user;
  const { limit, status, subject, endedAfter, endedBefore } = query;
  let count: number | undefined;
  if (limit !== undefined) {
    count = typeof limit === "string" && /^\d+$/.test(limit) ? Number(limit) : Number.NaN;
    if (!(count >= 1)) return refuse(400, "limit must be a positive integer");
  }
  if (status !== undefined && !isStudyStatus(status)) return refuse(400, `status must be one of ${studyStatuses.join(", ")}`);
  const after = boundOrRefusal(query, "endedAfter");
  if (isRefusal(after)) return after;
  const before = boundOrRefusal(query, "endedBefore");
  if (isRefusal(before)) return before;
  const about = isText(subject) ? subject : undefined;
  if (status === "in_progress") return { kind: "running", user, subject: about, ended: endedAfter !== undefined || endedBefore !== undefined };
  return {
    kind: "list",
    user,
    status,
    subject: about,
    endedAfter: after,
    endedBefore: before,
    limit: count === undefined ? undefined : Math.min(count, listCap),
  };
}

export type SummaryDecision =
  | Refusal
  | { kind: "completed" | "other"; user: string; status: Exclude<StudyStatus, "in_progress">; from?: Date | CalendarDay; to?: Date | CalendarDay }
  | { kind: "running"; user: string; ended: boolean };

/**
 * Completed sessions (the default) are summed by FocusStats; cancelled and abandoned ones
 * from the session list; `in_progress` counts the running session, whose length is not known yet.
 */
export function decideSummary(query: Fields, authenticated: string | null): SummaryDecision {
  const user = userOrRefusal(query, authenticated, "userId query parameter is required");
  if (isRefusal(user)) return user;
  const { from, to, status = "completed" } = query;
  if (!isStudyStatus(status)) return refuse(400, `status must be one of ${studyStatuses.join(", ")}`);
  const lower = boundOrRefusal(query, "from");
  if (isRefusal(lower)) return lower;
  const upper = boundOrRefusal(query, "to");
  if (isRefusal(upper)) return upper;
  if (status === "in_progress") return { kind: "running", user, ended: from !== undefined || to !== undefined };
  return { kind: status === "completed" ? "completed" : "other", user, status, from: lower, to: upper };
}
