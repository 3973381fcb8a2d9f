/** Action records: what happened, in which flow, and which sync and records caused it. */
import { randomBytes } from "node:crypto";

export interface Cause {
  /** The sync whose then-clause ran the action. */
  readonly sync: string;
  /** The records its when-patterns matched, in pattern order. */
  readonly records: readonly string[];
  /** Stable idempotency key: sync, matched records, frame and position in `then`. */
  readonly key: string;
}

export interface ActionRecord {
  readonly id: string;
  readonly flow: string;
  readonly concept: string;
  readonly action: string;
  readonly input: Readonly<Record<string, unknown>>;
  /** The action's result (an object or `{ error }`); undefined when it threw. */
  readonly output: unknown;
  /** The message of an exception the action threw (a bug or an outage, not an expected failure). */
  readonly thrown?: string;
  /** Absent for external actions (the start of a flow). */
  readonly cause?: Cause;
  readonly at: Date;
}

/** A sync that could not complete: its where-clause or a then-action threw, or a binding was missing. */
export interface SyncFailure {
  readonly flow: string;
  readonly sync: string;
  readonly records: readonly string[];
  readonly error: string;
  readonly at: Date;
}

/**
 * Unique ids without a random draw per id: a random prefix per engine (so processes sharing a
 * database never collide) and a counter.
 */
export class IdSource {
  private readonly prefix = randomBytes(9).toString("base64url");
  private counter = 0;

  next(): string {
    return `${this.prefix}${(this.counter++).toString(36)}`;
  }
}

export function firingKey(sync: string, records: readonly string[]): string {
  return `${sync}|${records.join("|")}`;
}

/** The idempotency key of one then-action of one firing. */
export function actionKey(firing: string, frame: number, position: number): string {
  return `${firing}#${frame}.${position}`;
}
