/** Action records: what happened, in which flow, and which sync and records caused it. */
import { hash, randomBytes } from "node:crypto";

export interface Cause {
  /** The sync whose then-clause ran the action. */
  readonly sync: string;
  /** The records its when-patterns matched, in pattern order. */
  readonly records: readonly string[];
  /** Stable idempotency key: sync, matched records, frame and position in `then`. */
  readonly key: string;
  /** References the sync's where-clause called directly (`await Concept._query(...)`), for provenance. */
  readonly reads?: readonly QueryRead[];
}

/**
 * A reference a where-clause called as a function: which, with what input, and how many rows
 * it answered. An action called so (template-style code) ran as a flow of its own: `flow`.
 */
export interface QueryRead {
  readonly query: string;
  readonly input: unknown;
  readonly rows: number;
  readonly flow?: string;
}

/** A then-action as a sync plans it, before it runs. */
export interface PlannedAction {
  /** The idempotency key (see `actionKey`). */
  readonly key: string;
  /** The id its record will have: derived from the key, so a re-run is never recorded twice. */
  readonly id: string;
  readonly sync: string;
  readonly records: readonly string[];
  readonly concept: string;
  readonly action: string;
  readonly input: Readonly<Record<string, unknown>>;
  /** The direct query calls of the where-clause that planned it (see `Cause.reads`). */
  readonly reads?: readonly QueryRead[];
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

/**
 * An action made durable before it runs (write-ahead): an engine resuming the flow that finds
 * no record with this id runs the action again, with the same idempotency key, so a concept
 * can answer its original outcome instead of doing the effect twice.
 */
export interface Intent {
  /** The id its record will have. */
  readonly id: string;
  readonly flow: string;
  readonly concept: string;
  readonly action: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly idempotencyKey: string;
  /** The sync firing that planned it; absent for an external invocation. */
  readonly cause?: Cause;
}

/** The intent of a then-action a sync planned. */
export function intentOf(flow: string, planned: PlannedAction): Intent {
  const { key, id, sync, records, concept, action, input } = planned;
  return { id, flow, concept, action, input, idempotencyKey: key, cause: { sync, records, key } };
}

/** The planned then-action an intent stands for (an external invocation's has no sync). */
export function plannedOf(intent: Intent & { cause: Cause }): PlannedAction {
  const { id, concept, action, input, cause } = intent;
  return { key: cause.key, id, sync: cause.sync, records: cause.records, concept, action, input };
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

/** The record id of a then-action: a digest of its key (keys embed record ids, so they would grow along a chain). */
export function recordIdOf(key: string): string {
  return hash("sha256", key, "base64url").slice(0, 24);
}

/** The firing (sync and matched records) a then-action belongs to, and its frame. */
export function frameOf(key: string): string {
  return key.slice(0, key.lastIndexOf("."));
}
