import { randomUUID } from "node:crypto";
import type { Filter } from "mongodb";
import { z } from "zod";
import type { ActionContext } from "../../engine/bindings.ts";
import {
  action,
  query,
  type ConceptImplementation,
  type ConceptSchemas,
  type ErrorOutput,
  type InputOf,
  type OutputOf,
} from "../../engine/concept.ts";
import { guardedWrite, RecentDocuments, type Revisioned } from "../../utils/guarded-write.ts";
import { definedOnly } from "../../utils/defined.ts";
import { insertGrouped } from "../../utils/grouped-inserts.ts";
import { conflictOnDuplicate, insertOnce, isDuplicateKeyError } from "../../utils/mongo-errors.ts";
import { refuseUnlessOwner } from "../../utils/ownership.ts";
import { conceptRef } from "../../engine/refs.ts";
import { id, instant, longestRunMs, rangeBound, runLengthHint, timeZone } from "../../utils/schemas.ts";
import { canonicalZoneOrUndefined, timeZoneHint } from "../../utils/time-zones.ts";
import { StoredConcept } from "../../utils/stored-concept.ts";
import { deletionReplaySeconds, remember, replayed, type RememberedChange } from "./replay.ts";

const status = z.enum(["active", "paused", "completed", "abandoned", "cancelled"]);
type SessionStatus = z.infer<typeof status>;
/** A running session is active or paused; each user has at most one. */
const runningStatuses = ["active", "paused"] as const satisfies readonly SessionStatus[];
const finalStatus = z.enum(["completed", "abandoned", "cancelled"]);

const milliseconds = z.number().finite().nonnegative();
const subjectName = z.string().min(1).max(200);
const text = z.string().max(10_000);
/** Details a client may set when starting and change later; null clears one. */
const details = {
  subject: subjectName.nullable().optional(),
  questId: id.nullable().optional(),
  description: text.nullable().optional(),
  notes: text.nullable().optional(),
};

const sessionView = z.object({
  session: id,
  user: id,
  status,
  targetDurationMs: z.number().nullable(),
  elapsedMs: z.number(),
  startedAt: z.date(),
  endedAt: z.date().nullable(),
  timeZone: z.string().nullable(),
  subject: z.string().nullable(),
  questId: z.string().nullable(),
  description: z.string().nullable(),
  notes: z.string().nullable(),
  document: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type SessionView = z.infer<typeof sessionView>;

/** A change's answer: the session's id and the session as the change left it (answers need no read). */
const sessionOnly = z.object({ session: id, view: sessionView });
const onSession = { session: id, user: id.optional() };
/** The listing's order (sessions not ended last), which its indexes follow so that they serve the sort and limit too. */
const newestEndFirst = { endedAt: -1, startedAt: -1, _id: -1 } as const;
/** What listings leave out: the change-replay bookkeeping, which no view shows (and which outweighs the session). */
const bookkeeping = { recentChanges: 0, createdBy: 0 } as const;
/** The most sessions one listing returns. */
export const maxListLimit = 1000;

export const FocusSessionSchemas = {
  start: action({
    input: z.object({
      user: id,
      targetDurationMs: z.number().finite().positive().nullable().optional(),
      startedAt: instant.optional(),
      timeZone: timeZone.optional(),
      document: id.nullable().optional(),
      ...details,
    }),
    output: sessionOnly,
    description: "Starts an active session for the user; refused (conflict) while the user has a running one.",
    example: { input: { user: "ada", subject: "Calculus", targetDurationMs: 1_500_000 } },
  }),
  pause: action({
    input: z.object({ ...onSession, elapsedMs: milliseconds.optional(), notes: details.notes }),
    output: sessionOnly,
    description: "Pauses an active session, saving the time run so far (as the client reports it, or by the clock).",
    example: { input: { session: "<the session FocusSession/start answered>", user: "ada" }, after: "start" },
  }),
  resume: action({
    input: z.object({ ...onSession, notes: details.notes }),
    output: sessionOnly,
    description: "Resumes a paused session.",
    example: { input: { session: "<the session FocusSession/start answered>", user: "ada" }, after: "pause" },
  }),
  end: action({
    input: z.object({ ...onSession, status: finalStatus, elapsedMs: milliseconds.optional(), endedAt: instant.optional(), timeZone: timeZone.optional(), notes: details.notes }),
    output: sessionView
      .pick({ session: true, user: true, elapsedMs: true, startedAt: true, timeZone: true, subject: true, document: true })
      .extend({ status: finalStatus, endedAt: z.date(), view: sessionView }),
    description: "Ends a running session as completed, abandoned or cancelled; a session ends once.",
    example: { input: { session: "<the session FocusSession/start answered>", user: "ada", status: "completed" }, after: "start" },
  }),
  update: action({
    input: z.object({ ...onSession, ...details }),
    output: sessionOnly,
    description: "Changes a session's details (subject, quest, description, notes), whatever its status.",
    example: { input: { session: "<the session FocusSession/start answered>", user: "ada", subject: "Linear algebra", notes: "chapter 3" }, after: "start" },
  }),
  delete: action({
    input: z.object(onSession),
    output: z.object({ session: id, user: id, status }),
    description: "Deletes a session record.",
    example: { input: { session: "<the session FocusSession/start answered>", user: "ada" }, after: "start" },
  }),
  _getRunning: query({
    input: z.object({ user: id }),
    output: sessionView,
    description: "The user's running (active or paused) session, if any.",
  }),
  _getSession: query({
    input: z.object(onSession),
    output: sessionView,
    description: "The session with this id (none if unknown).",
    example: { input: { session: "<the session FocusSession/start answered>", user: "ada" }, after: "start" },
  }),
  _listSessions: query({
    input: z.object({
      user: id,
      status: status.optional(),
      subject: subjectName.optional(),
      questId: id.optional(),
      endedAfter: rangeBound.optional(),
      endedBefore: rangeBound.optional(),
      limit: z.number().int().positive().max(maxListLimit).optional(),
    }),
    output: sessionView,
    description: `The user's sessions, newest end first (running ones last), then newest start; at most limit (default ${maxListLimit}).`,
  }),
} satisfies ConceptSchemas;

type Schemas = typeof FocusSessionSchemas;
type EndOutput = OutputOf<Schemas["end"]>;
type SessionOutput = OutputOf<Schemas["start"]>;

interface SessionDoc extends Revisioned {
  user: string;
  status: SessionStatus;
  targetDurationMs: number | null;
  /** Time run before `runningSince` (all of it, once paused or ended). */
  elapsedMs: number;
  /** When the current running stretch began; null unless active. */
  runningSince: Date | null;
  startedAt: Date;
  endedAt: Date | null;
  /** Where the user is, as they said at start or end; null when they did not say (their last known zone is not FocusSession's to know). */
  timeZone: string | null;
  subject: string | null;
  questId: string | null;
  description: string | null;
  notes: string | null;
  document: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** The idempotency key of the start that created it, so a repeated start answers this session. */
  createdBy?: string;
  /** The latest successful changes by key, written with each change (see `replay.ts`). */
  recentChanges?: RememberedChange[];
}

/** A delete's answer, kept by its idempotency key: the deleted session cannot hold it. */
interface DeletionDoc {
  _id: string;
  session: string;
  output: OutputOf<Schemas["delete"]>;
  at: Date;
}

type Change<R> = { result: R; next: Omit<SessionDoc, "rev"> } | ErrorOutput;
/** What a change answers, and the session it left (`view`). */
type Viewed<R> = R & { view: SessionView };

/**
 * concept FocusSession [User]
 * purpose   let a person time a stretch of focused work, pausing and resuming it, and keep
 *           the history of what they did
 * principle a user starts a session (say 25 minutes on "Calculus"), pauses it after 10
 *           minutes and resumes it; while it runs they cannot start another; they end it as
 *           completed with 25 minutes run, and it appears first in their history
 */
export class FocusSessionConcept extends StoredConcept implements ConceptImplementation<Schemas> {
  static readonly conceptName = "FocusSession";
  static readonly schemas = FocusSessionSchemas;

  private readonly sessions = this.collection<SessionDoc>("sessions");
  private readonly deletions = this.collection<DeletionDoc>("deletions");
  /** The sessions this process last wrote: a change decides on them without a read (revision-checked). */
  private readonly recent = new RecentDocuments<SessionDoc>();

  protected async prepare(): Promise<void> {
    await this.sessions.createIndexes([
      {
        key: { user: 1 },
        name: "one_running_session_per_user",
        unique: true,
        partialFilterExpression: { status: { $in: [...runningStatuses] } },
      },
      { key: { user: 1, ...newestEndFirst }, name: "by_user_newest_end" },
      { key: { user: 1, status: 1, ...newestEndFirst }, name: "by_user_status_newest_end" },
      { key: { user: 1, subject: 1, ...newestEndFirst }, name: "by_user_subject_newest_end" },
      { key: { user: 1, questId: 1, ...newestEndFirst }, name: "by_user_quest_newest_end" },
      { key: { createdBy: 1 }, name: "one_session_per_start_key", unique: true, partialFilterExpression: { createdBy: { $exists: true } } },
    ]);
    await this.deletions.createIndex({ at: 1 }, { expireAfterSeconds: deletionReplaySeconds });
  }

  /** start (user, targetDurationMs?, startedAt?, timeZone?, subject?, questId?, description?, notes?, document?): (session, view)
   *  requires the user has no running (active or paused) session; timeZone is an IANA name
   *  effects  creates an active session, started at startedAt (default now), with nothing
   *           run yet, in timeZone (canonical; null when not given) */
  async start(input: InputOf<Schemas["start"]>, context?: ActionContext): Promise<SessionOutput | ErrorOutput> {
    const zone = zoneOf(input.timeZone);
    if (zone === undefined) return unknownZone;
    if (input.targetDurationMs != null && !(input.targetDurationMs > 0)) return { error: "targetDurationMs must be positive" };
    await this.ensureIndexes();
    const now = this.clock.now();
    const startedAt = input.startedAt ?? now;
    const session = randomUUID();
    const key = context?.idempotencyKey;
    // The unique partial index, not a read, decides: of concurrent starts exactly one lands.
    return conflictOnDuplicate(async () => {
      const created = await this.insertSession(key, {
        _id: session,
        rev: 1,
        user: input.user,
        status: "active",
        targetDurationMs: input.targetDurationMs ?? null,
        elapsedMs: 0,
        runningSince: startedAt,
        startedAt,
        endedAt: null,
        timeZone: zone,
        subject: input.subject ?? null,
        questId: input.questId ?? null,
        description: input.description ?? null,
        notes: input.notes ?? null,
        document: input.document ?? null,
        createdAt: now,
        updatedAt: now,
        ...(key !== undefined && { createdBy: key }),
      });
      return { session: created._id, view: this.viewOf(created) };
    }, "user already has a running session");
  }

  /**
   * Inserts a new session and answers its id; when a start with the same key created one
   * already (the engine repeats an action whose record a crash lost), answers that session's.
   * The key is looked up only after a duplicate, so a first start costs no extra read.
   */
  private async insertSession(key: string | undefined, doc: SessionDoc): Promise<SessionDoc> {
    try {
      await insertGrouped(this.sessions, doc);
      this.recent.set(doc);
      return doc;
    } catch (error) {
      if (key === undefined || !isDuplicateKeyError(error)) throw error;
      const earlier = await this.sessions.findOne({ createdBy: key });
      if (earlier === null) throw error;
      return earlier;
    }
  }

  /** pause (session, user?, elapsedMs?, notes?): (session, view)
   *  requires the session exists, is user's, and is active; elapsedMs at most the time since
   *           it started, and a day (a client's clock)
   *  effects  makes it paused, saving elapsedMs (default: the time it has run by the clock),
   *           and notes when given (null clears them) */
  async pause(input: InputOf<Schemas["pause"]>, context?: ActionContext): Promise<SessionOutput | ErrorOutput> {
    return this.change(input, context, (doc, now) => {
      if (doc.status !== "active") return notInStatus(doc, "active");
      if (longerThanPossible(input.elapsedMs, doc, now)) return tooLong();
      const elapsedMs = input.elapsedMs ?? runTime(doc, now);
      return { result: { session: doc._id }, next: { ...doc, ...notesOf(input), status: "paused", elapsedMs, runningSince: null, updatedAt: now } };
    });
  }

  /** resume (session, user?, notes?): (session, view)
   *  requires the session exists, is user's, and is paused
   *  effects  makes it active again, running from now on top of the time saved; sets notes when given */
  async resume(input: InputOf<Schemas["resume"]>, context?: ActionContext): Promise<SessionOutput | ErrorOutput> {
    return this.change(input, context, (doc, now) => {
      if (doc.status !== "paused") return notInStatus(doc, "paused");
      return { result: { session: doc._id }, next: { ...doc, ...notesOf(input), status: "active", runningSince: now, updatedAt: now } };
    });
  }

  /** end (session, user?, status, elapsedMs?, endedAt?, notes?):
   *      (session, user, status, elapsedMs, startedAt, endedAt, timeZone, subject, document, view)
   *  requires the session exists, is user's, and is running (an ended session answers "conflict");
   *           status is completed, abandoned or cancelled; endedAt is not before startedAt;
   *           elapsedMs at most the time from startedAt to endedAt, and a day (a client's clock)
   *  effects  gives it that final status, endedAt (default now) and elapsedMs (default: the
   *           time it ran by the clock, up to endedAt), and notes and timeZone (where the user
   *           is as it ends) when given */
  async end(input: InputOf<Schemas["end"]>, context?: ActionContext): Promise<EndOutput | ErrorOutput> {
    if (!finalStatus.safeParse(input.status).success) return { error: "status must be completed, abandoned or cancelled" };
    const zone = zoneOf(input.timeZone);
    if (zone === undefined) return unknownZone;
    return this.change(input, context, (doc, now) => {
      if (!isRunning(doc)) return notInStatus(doc, "active or paused");
      const endedAt = input.endedAt ?? now;
      if (endedAt < doc.startedAt) return { error: "endedAt is before the session started", reason: "invalid" };
      if (longerThanPossible(input.elapsedMs, doc, endedAt)) return tooLong();
      const elapsedMs = input.elapsedMs ?? runTime(doc, endedAt);
      const next = { ...doc, ...notesOf(input), status: input.status, elapsedMs, runningSince: null, endedAt, timeZone: zone ?? doc.timeZone, updatedAt: now };
      const { user, startedAt, subject, document } = next;
      const ended = { session: doc._id, user, status: input.status, elapsedMs, startedAt, endedAt };
      return { result: { ...ended, timeZone: next.timeZone, subject, document }, next };
    });
  }

  /** update (session, user?, subject?, questId?, description?, notes?): (session, view)
   *  requires the session exists and is user's
   *  effects  sets the given details (null clears one), whatever the session's status */
  async update(input: InputOf<Schemas["update"]>, context?: ActionContext): Promise<SessionOutput | ErrorOutput> {
    return this.change(input, context, (doc, now) => {
      const { subject, questId, description, notes } = input;
      const given = definedOnly({ subject, questId, description, notes });
      return { result: { session: doc._id }, next: { ...doc, ...given, updatedAt: now } };
    });
  }

  /** delete (session, user?): (session, user, status)
   *  requires the session exists and is user's
   *  effects  removes it (a running one frees the user to start another) */
  async delete({ session, user }: InputOf<Schemas["delete"]>, context?: ActionContext): Promise<OutputOf<Schemas["delete"]> | ErrorOutput> {
    const key = context?.idempotencyKey;
    const found = await this.find(session, user);
    if ("error" in found) {
      const earlier = key === undefined || found.reason !== "not_found" ? null : await this.deletions.findOne({ _id: key, session });
      return earlier?.output ?? found;
    }
    const output = { session, user: found.user, status: found.status };
    // The answer is kept before the session goes, so a repeat after a crash in between (or
    // after the delete) answers it; a repeat that still finds the session deletes it then.
    if (key !== undefined) await insertOnce(this.deletions, { _id: key, session, output, at: this.clock.now() });
    this.recent.forget(session);
    const { deletedCount } = await this.sessions.deleteOne({ _id: session });
    if (deletedCount > 0) return output;
    // Deleted by a concurrent request: this one deleted nothing.
    if (key !== undefined) await this.deletions.deleteOne({ _id: key });
    return notFound();
  }

  /** _getRunning (user): (session) -- the user's active or paused session, if any */
  async _getRunning({ user }: InputOf<Schemas["_getRunning"]>): Promise<SessionView[]> {
    await this.ensureIndexes();
    const running = await this.sessions.find({ user, status: { $in: [...runningStatuses] } }, { projection: bookkeeping }).toArray();
    return this.views(running);
  }

  /** _getSession (session, user?): (session) -- none when unknown; forbidden when user is not the owner */
  async _getSession({ session, user }: InputOf<Schemas["_getSession"]>): Promise<SessionView[] | ErrorOutput> {
    const found = await this.find(session, user);
    if ("error" in found) return found.reason === "not_found" ? [] : found;
    return this.views([found]);
  }

  /** _listSessions (user, status?, subject?, questId?, endedAfter?, endedBefore?, limit?): (session)
   *  -- the user's sessions matching every filter given, newest end first, then newest start;
   *  endedAfter and endedBefore are inclusive and leave out sessions that have not ended */
  async _listSessions(input: InputOf<Schemas["_listSessions"]>): Promise<SessionView[]> {
    await this.ensureIndexes();
    const filter: Filter<SessionDoc> = { user: input.user };
    if (input.status !== undefined) filter.status = input.status;
    if (input.subject !== undefined) filter.subject = input.subject;
    if (input.questId !== undefined) filter.questId = input.questId;
    if (input.endedAfter !== undefined || input.endedBefore !== undefined) {
      filter.endedAt = {
        ...(input.endedAfter !== undefined && { $gte: input.endedAfter }),
        ...(input.endedBefore !== undefined && { $lte: input.endedBefore }),
      };
    }
    const limit = Math.min(Math.max(1, Math.trunc(input.limit ?? maxListLimit)), maxListLimit);
    const found = await this.sessions.find(filter, { projection: bookkeeping }).sort(newestEndFirst).limit(limit).toArray();
    return this.views(found);
  }

  /** Sessions as callers see them: an active session's elapsed time runs on with the clock. */
  private views(docs: SessionDoc[]): SessionView[] {
    const now = this.clock.now();
    return docs.map((doc) => this.viewOf(doc, now));
  }

  private viewOf(doc: Omit<SessionDoc, "rev"> & { rev?: number }, now = this.clock.now()): SessionView {
    const { _id, rev: _rev, runningSince, createdBy: _createdBy, recentChanges: _recentChanges, ...fields } = doc;
    return { session: _id, ...fields, elapsedMs: runTime({ elapsedMs: fields.elapsedMs, runningSince }, now) };
  }

  /** The session, once its owner is checked against `user`. */
  private async find(session: string, user: string | undefined): Promise<SessionDoc | ErrorOutput> {
    await this.ensureIndexes();
    const doc = await this.sessions.findOne({ _id: session });
    if (doc === null) return notFound();
    return refuseUnlessOwner(doc.user, user, "session") ?? doc;
  }

  /**
   * Decides a change on the session's current state and applies it safely under concurrency.
   * With an idempotency key, the change is remembered with its answer in the same write, and
   * a repeated key answers that instead of deciding again.
   */
  private async change<R>(
    { session, user }: { session: string; user?: string | undefined },
    context: ActionContext | undefined,
    decide: (doc: SessionDoc, now: Date) => Change<R>,
  ): Promise<Viewed<R> | ErrorOutput> {
    await this.ensureIndexes();
    const key = context?.idempotencyKey;
    return guardedWrite<SessionDoc, Viewed<R> | ErrorOutput>(this.sessions, session, (doc) => {
      if (doc === null) return { result: notFound() };
      const refusal = refuseUnlessOwner(doc.user, user, "session");
      if (refusal) return { result: refusal };
      // A repeat answers the original outcome, with the session as it stands now.
      const earlier = replayed(doc.recentChanges, key);
      if (earlier !== undefined) return { result: { ...(earlier.output as R), view: this.viewOf(doc) } };
      const now = this.clock.now();
      const decision = decide(doc, now);
      if ("error" in decision) return { result: decision };
      const result = { ...decision.result, view: this.viewOf(decision.next, now) };
      if (key === undefined) return { result, next: decision.next };
      return { result, next: { ...decision.next, recentChanges: remember(doc.recentChanges, key, decision.result) } };
    }, { recent: this.recent });
  }
}

/** The notes a change sets with itself, when given (null clears them). */
function notesOf(input: { notes?: string | null | undefined }): { notes?: string | null } {
  return input.notes === undefined ? {} : { notes: input.notes };
}

function isRunning(doc: SessionDoc): boolean {
  return (runningStatuses as readonly SessionStatus[]).includes(doc.status);
}

/** The time the session has run by `until`: what was saved plus the current stretch. */
function runTime(doc: Pick<SessionDoc, "elapsedMs" | "runningSince">, until: Date): number {
  const stretch = doc.runningSince === null ? 0 : Math.max(0, until.getTime() - doc.runningSince.getTime());
  return doc.elapsedMs + stretch;
}

/** Whether a client's `elapsedMs` is more than the session could have run by `until` (see `longestRunMs`). */
function longerThanPossible(elapsedMs: number | undefined, doc: Pick<SessionDoc, "startedAt">, until: Date): boolean {
  return elapsedMs !== undefined && elapsedMs > longestRunMs(doc.startedAt, until);
}

function tooLong(): ErrorOutput {
  return { error: `elapsedMs ${runLengthHint}`, reason: "invalid" };
}

function notFound(): ErrorOutput {
  return { error: "session not found", reason: "not_found" };
}

/** An ended session is final (conflict); a running one in the other running state is a bad request. */
function notInStatus(doc: SessionDoc, wanted: string): ErrorOutput {
  if (!isRunning(doc)) return { error: `session has already ended (${doc.status})`, reason: "conflict" };
  return { error: `session is ${doc.status}, not ${wanted}`, reason: "invalid" };
}


export const FocusSession = conceptRef(FocusSessionConcept);

const unknownZone = { error: `unknown time zone: timeZone ${timeZoneHint}`, reason: "invalid" } as const;

/** A zone given as its canonical name, null when none was given; undefined when the name is no zone. */
function zoneOf(name: string | undefined): string | null | undefined {
  return name === undefined ? null : canonicalZoneOrUndefined(name);
}
