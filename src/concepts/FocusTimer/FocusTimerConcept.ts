import { randomUUID } from "node:crypto";
import type { Filter } from "mongodb";
import { z } from "zod";
import {
  action,
  query,
  type ConceptImplementation,
  type ConceptSchemas,
  type ErrorOutput,
  type InputOf,
  type OutputOf,
} from "../../engine/concept.ts";
import { guardedWrite, type Revisioned } from "../../utils/guarded-write.ts";
import { refuseUnlessOwner } from "../../utils/ownership.ts";
import { conceptRef } from "../../engine/refs.ts";
import { empty, id } from "../../utils/schemas.ts";
import { StoredConcept } from "../../utils/stored-concept.ts";

const phase = z.enum(["reading", "break"]);
type Phase = z.infer<typeof phase>;

/**
 * A timer as the seed's queries show it, and the time it has run and has left (paused
 * stretches excluded), so a client can show the true remaining time after a pause: the
 * seed's startedAtMs alone cannot tell it.
 */
const timerRow = z.object({
  _id: id,
  phase,
  startedAtMs: z.number(),
  durationMs: z.number(),
  isActive: z.boolean(),
  elapsedMs: z.number().describe("time run in this phase so far, pauses excluded"),
  remainingMs: z.number().describe("durationMs less elapsedMs, never below 0"),
});

const timerAction = z.object({ timerId: id, user: id.optional() });

export const FocusTimerSchemas = {
  start: action({
    input: z.object({ durationMs: z.number().positive().finite(), phase, user: id.optional() }),
    output: z.object({ timerId: id }),
    description: "Starts a new timer with the given duration and phase.",
    // One millisecond, so that expire's example (a timer that has run its duration) can follow at once.
    example: { input: { durationMs: 1, phase: "reading", user: "ada" } },
  }),
  pause: action({
    input: timerAction,
    output: empty,
    description: "Pauses an active timer, keeping the time it has already run.",
    example: { input: { timerId: "<the timerId FocusTimer/start answered>", user: "ada" }, after: "start" },
  }),
  resume: action({
    input: timerAction,
    output: empty,
    description: "Resumes a paused timer.",
    example: { input: { timerId: "<the timerId FocusTimer/start answered>", user: "ada" }, after: "pause" },
  }),
  expire: action({
    input: timerAction,
    output: empty,
    description: "Expires an active timer that has run its duration: flips its phase and starts it again.",
    example: { input: { timerId: "<the timerId FocusTimer/start answered>", user: "ada" }, after: "start" },
  }),
  _getTimer: query({
    input: z.object({ timerId: id, user: id.optional() }),
    output: timerRow,
    description: "The timer with this id (none if unknown).",
    example: { input: { timerId: "<the timerId FocusTimer/start answered>", user: "ada" }, after: "start" },
  }),
  _getActiveTimers: query({
    input: z.object({ user: id.optional() }),
    output: timerRow,
    description: "Every running timer (only the user's, when a user is given).",
  }),
  _getTimersByPhase: query({
    input: z.object({ phase, user: id.optional() }),
    output: timerRow,
    description: "Every timer in this phase (only the user's, when a user is given).",
  }),
} satisfies ConceptSchemas;

type Schemas = typeof FocusTimerSchemas;
type TimerRow = OutputOf<Schemas["_getTimer"]>;

interface TimerDoc extends Revisioned {
  user: string | null;
  phase: Phase;
  /** When the current running stretch began (or the last one, while paused). */
  startedAtMs: number;
  durationMs: number;
  isActive: boolean;
  /** Running time banked by earlier stretches, before a pause. */
  ranBeforeMs: number;
}

/**
 * concept FocusTimer [User]
 * purpose   a generic countdown timer with reading and break phases
 * principle start a reading timer of 25 minutes; pause it after 10 and resume it later;
 *           once it has run 25 minutes in all, expire flips it to a break that starts at once
 */
export class FocusTimerConcept extends StoredConcept implements ConceptImplementation<Schemas> {
  static readonly conceptName = "FocusTimer";
  static readonly schemas = FocusTimerSchemas;

  private readonly timers = this.collection<TimerDoc>("timers");

  protected async prepare(): Promise<void> {
    await this.timers.createIndexes([
      { key: { isActive: 1, user: 1 }, name: "active_by_user" },
      { key: { phase: 1, user: 1 }, name: "phase_by_user" },
    ]);
  }

  /** start (durationMs, phase, user?): (timerId)
   *  requires durationMs > 0; phase is "reading" or "break"
   *  effects  creates an active timer owned by user, started now */
  async start({ durationMs, phase: startPhase, user }: InputOf<Schemas["start"]>): Promise<{ timerId: string } | ErrorOutput> {
    if (!(durationMs > 0) || !Number.isFinite(durationMs)) return { error: "durationMs must be a positive number" };
    if (startPhase !== "reading" && startPhase !== "break") return { error: 'phase must be "reading" or "break"' };
    await this.ensureIndexes();
    const timerId = randomUUID();
    await this.timers.insertOne({
      _id: timerId,
      rev: 1,
      user: user ?? null,
      phase: startPhase,
      startedAtMs: this.nowMs(),
      durationMs,
      isActive: true,
      ranBeforeMs: 0,
    });
    return { timerId };
  }

  /** pause (timerId, user?): ()
   *  requires the timer exists, is user's (a timer started without a user is the service's:
   *           unknown to every user), and isActive
   *  effects  sets isActive=false, keeping the time run so far */
  async pause(input: InputOf<Schemas["pause"]>): Promise<Record<string, never> | ErrorOutput> {
    return this.transition(input, (timer, nowMs) => {
      if (!timer.isActive) return { error: "timer is not active" };
      return { ...timer, isActive: false, ranBeforeMs: runningTime(timer, nowMs) };
    });
  }

  /** resume (timerId, user?): ()
   *  requires the timer exists, is user's, and isActive=false
   *  effects  sets isActive=true and startedAtMs=now */
  async resume(input: InputOf<Schemas["resume"]>): Promise<Record<string, never> | ErrorOutput> {
    return this.transition(input, (timer, nowMs) => {
      if (timer.isActive) return { error: "timer is already active" };
      return { ...timer, isActive: true, startedAtMs: nowMs };
    });
  }

  /** expire (timerId, user?): ()
   *  requires the timer exists, is user's, isActive, and has run durationMs in all
   *  effects  flips phase (reading <-> break), sets startedAtMs=now and restarts the running time */
  async expire(input: InputOf<Schemas["expire"]>): Promise<Record<string, never> | ErrorOutput> {
    return this.transition(input, (timer, nowMs) => {
      if (!timer.isActive) return { error: "timer is not active" };
      const ran = runningTime(timer, nowMs);
      if (ran < timer.durationMs) return { error: `timer has ${timer.durationMs - ran} ms left to run` };
      const flipped: Phase = timer.phase === "reading" ? "break" : "reading";
      return { ...timer, phase: flipped, startedAtMs: nowMs, ranBeforeMs: 0 };
    });
  }

  /** _getTimer (timerId, user?): (timer) -- with elapsedMs and remainingMs; none when unknown (or the service's, asked for a user); forbidden when user is not the owner */
  async _getTimer({ timerId, user }: InputOf<Schemas["_getTimer"]>): Promise<TimerRow[] | ErrorOutput> {
    await this.ensureIndexes();
    const timer = await this.timers.findOne({ _id: timerId });
    if (timer === null || isServiceTimerAskedByUser(timer, user)) return [];
    return refuseUnlessOwner(timer.user, user, "timer") ?? [toRow(timer, this.nowMs())];
  }

  /** _getActiveTimers (user?): (timer) -- every timer with isActive=true; only user's when given */
  async _getActiveTimers({ user }: InputOf<Schemas["_getActiveTimers"]>): Promise<TimerRow[]> {
    return this.list({ isActive: true }, user);
  }

  /** _getTimersByPhase (phase, user?): (timer) -- every timer in that phase; only user's when given */
  async _getTimersByPhase({ phase: wanted, user }: InputOf<Schemas["_getTimersByPhase"]>): Promise<TimerRow[]> {
    return this.list({ phase: wanted }, user);
  }

  private async list(filter: Filter<TimerDoc>, user: string | undefined): Promise<TimerRow[]> {
    await this.ensureIndexes();
    const timers = await this.timers.find(user === undefined ? filter : { ...filter, user }).sort({ _id: 1 }).toArray();
    const nowMs = this.nowMs();
    return timers.map((timer) => toRow(timer, nowMs));
  }

  /** Applies `change` to the timer (refusing unknown timers and other users' timers), safely under concurrency. */
  private async transition(
    { timerId, user }: { timerId: string; user?: string | undefined },
    change: (timer: TimerDoc, nowMs: number) => Omit<TimerDoc, "rev"> | ErrorOutput,
  ): Promise<Record<string, never> | ErrorOutput> {
    await this.ensureIndexes();
    return guardedWrite<TimerDoc, Record<string, never> | ErrorOutput>(this.timers, timerId, (timer) => {
      if (timer === null || isServiceTimerAskedByUser(timer, user)) return { result: { error: "timer not found", reason: "not_found" } };
      const refusal = refuseUnlessOwner(timer.user, user, "timer");
      if (refusal) return { result: refusal };
      const next = change(timer, this.nowMs());
      return "error" in next ? { result: next } : { result: {}, next };
    });
  }

  private nowMs(): number {
    return this.clock.now().getTime();
  }
}

/**
 * A timer started with no user belongs to the service that started it: to a user (an
 * operation naming one, as the HTTP edge does for every token) it does not exist.
 */
function isServiceTimerAskedByUser(timer: TimerDoc, user: string | undefined): boolean {
  return timer.user === null && user !== undefined;
}

/** Total time the timer has run: banked stretches plus the current one, if running. */
function runningTime(timer: TimerDoc, nowMs: number): number {
  return timer.ranBeforeMs + (timer.isActive ? Math.max(0, nowMs - timer.startedAtMs) : 0);
}

function toRow(timer: TimerDoc, nowMs: number): TimerRow {
  const { _id, phase: timerPhase, startedAtMs, durationMs, isActive } = timer;
  const elapsedMs = runningTime(timer, nowMs);
  return { _id, phase: timerPhase, startedAtMs, durationMs, isActive, elapsedMs, remainingMs: Math.max(0, durationMs - elapsedMs) };
}

export const FocusTimer = conceptRef(FocusTimerConcept);
