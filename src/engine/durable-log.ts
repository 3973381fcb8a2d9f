/**
 * The durable action log in MongoDB:
 * - `<prefix>.actions`: every action record (id, flow, concept, action, input, output, cause,
 *   time). A then-action's record id is derived from its idempotency key, so the `_id` unique
 *   index refuses to record a resumed action twice.
 * - `<prefix>.intents`: actions made durable before they run (write-ahead), with their
 *   idempotency keys (which actions need one: `SyncEngine`). An intent with no record is run
 *   again, with its key, when the flow is resumed.
 * - `<prefix>.pending`: one entry per flow with work pending (`state: "pending"`), written
 *   before the flow's first intent or then-action runs and removed when the flow finishes.
 *   Entries left by a stopped engine are how a restarted one finds the work to finish.
 * - `<prefix>.failures`: syncs that could not complete.
 *
 * Writes are group-committed: whatever is queued while a batch is in flight goes out in the
 * next one (one insertMany / deleteMany per collection), so concurrent flows share round
 * trips. `barrier()` waits until everything queued so far is written: the engine calls it
 * before running the actions a sync planned, so the records that caused them are durable first.
 */
import type { Collection, Db } from "mongodb";
import { definedOnly } from "./defined.ts";
import type { ActionRecord, Cause, Intent, SyncFailure } from "./records.ts";

export interface DurableLogOptions {
  readonly prefix: string;
  readonly retentionSeconds: number;
  /** How long an open flow belongs to the engine that opened it before another may resume it. */
  readonly leaseSeconds: number;
  /** Told about background writes that failed (nobody is waiting for them to throw at). */
  readonly onWriteError?: (error: unknown) => void;
}

interface ActionDoc {
  _id: string;
  flow: string;
  concept: string;
  action: string;
  input: Record<string, unknown>;
  output?: unknown;
  thrown?: string;
  cause?: Cause;
  /** Orders a flow's records (time first, so records of a resumed flow sort after earlier ones). */
  seq: number;
  at: Date;
}

/** An action made durable before it runs; its `_id` is the id its record will have. */
interface IntentDoc {
  _id: string;
  flow: string;
  concept: string;
  action: string;
  input: Record<string, unknown>;
  key: string;
  cause?: Cause;
  seq: number;
  at: Date;
}

interface PendingFlowDoc {
  /** The flow's id. */
  _id: string;
  state: "pending";
  /** The invoked action that started the flow. */
  root: string;
  /**
   * That invocation's intent when it was made durable before it ran (its id is `root`):
   * kept on the marker written anyway, rather than as a document of its own.
   */
  intent?: Pick<IntentDoc, "concept" | "action" | "input" | "key">;
  leaseUntil: Date;
  at: Date;
}

interface FailureDoc extends Omit<SyncFailure, "records"> {
  records: string[];
}

const duplicateKey = 11000;
const lazyFlushMs = 20;
const eagerBatchSize = 2000;

export class DurableLog {
  private readonly actions: Collection<ActionDoc>;
  private readonly intents: Collection<IntentDoc>;
  private readonly pendingFlows: Collection<PendingFlowDoc>;
  private readonly failures: Collection<FailureDoc>;
  private queuedRecords: ActionDoc[] = [];
  private queuedIntents: IntentDoc[] = [];
  private queuedOpened = new Map<string, PendingFlowDoc>();
  private queuedClosed: string[] = [];
  private queuedFailures: FailureDoc[] = [];
  /** The batch that will take what is queued now, once the one in flight is done. */
  private scheduled: Promise<void> | undefined;
  /** The batch being written. */
  private writing: Promise<void> | undefined;
  /** The latest batch, never rejecting: the next one starts after it. */
  private last: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private sequence = 0;

  constructor(
    db: Db,
    private readonly options: DurableLogOptions,
  ) {
    this.actions = db.collection<ActionDoc>(`${options.prefix}.actions`);
    this.intents = db.collection<IntentDoc>(`${options.prefix}.intents`);
    this.pendingFlows = db.collection<PendingFlowDoc>(`${options.prefix}.pending`);
    this.failures = db.collection<FailureDoc>(`${options.prefix}.failures`);
  }

  async prepare(): Promise<void> {
    const expireAfterSeconds = this.options.retentionSeconds;
    await Promise.all([
      this.actions.createIndex({ flow: 1, seq: 1 }),
      this.actions.createIndex({ at: 1 }, { expireAfterSeconds }),
      this.intents.createIndex({ flow: 1, seq: 1 }),
      this.intents.createIndex({ at: 1 }, { expireAfterSeconds }),
      this.pendingFlows.createIndex({ state: 1, leaseUntil: 1 }),
      this.failures.createIndex({ flow: 1 }),
      this.failures.createIndex({ at: 1 }, { expireAfterSeconds }),
    ]);
  }

  append(record: ActionRecord): void {
    this.queuedRecords.push(toDoc(record, this.nextSeq()));
    this.scheduleLazy();
  }

  /**
   * Queues actions about to run (write-ahead). The caller waits on `barrier()` before running
   * them, so they are written in the same batch as the records they depend on.
   */
  appendIntents(intents: readonly Intent[]): void {
    const at = new Date();
    for (const intent of intents) this.queuedIntents.push(intentDoc(intent, this.nextSeq(), at));
    this.scheduleLazy();
  }

  appendFailure(failure: SyncFailure): void {
    this.queuedFailures.push({ ...failure, records: [...failure.records] });
    this.scheduleLazy();
  }

  /**
   * Marks a flow as unfinished (written with the next batch, at the latest by the next barrier),
   * with the intent of the invocation that starts it when that is written ahead.
   */
  openFlow(flow: string, root: string, intent?: Intent): void {
    const now = new Date();
    const marker: PendingFlowDoc = { _id: flow, state: "pending", root, leaseUntil: this.leaseFrom(now), at: now };
    if (intent !== undefined) {
      const { concept, action, input, key } = intentDoc(intent, 0, now);
      marker.intent = { concept, action, input, key };
    }
    this.queuedOpened.set(flow, marker);
    this.scheduleLazy();
  }

  /** Marks a flow as finished; a marker not yet written is simply never written. */
  closeFlow(flow: string): void {
    if (this.queuedOpened.delete(flow)) return;
    this.queuedClosed.push(flow);
    this.scheduleLazy();
  }

  /** Resolves once everything queued so far is written; rejects if that write failed. */
  barrier(): Promise<void> {
    if (this.queued() > 0) return this.drain();
    return this.scheduled ?? this.writing ?? Promise.resolve();
  }

  /** Writes everything queued so far (background write failures are reported, not thrown). */
  async flush(): Promise<void> {
    while (this.queued() > 0 || this.scheduled !== undefined || this.writing !== undefined) {
      await this.barrier().catch(() => undefined);
    }
  }

  /**
   * Claims the flows whose lease has run out (their engine stopped before finishing them),
   * oldest first, except those `isRunning` here; answers their ids.
   */
  async claimUnfinished(isRunning: (flow: string) => boolean): Promise<string[]> {
    const now = new Date();
    const due = await this.pendingFlows.find({ state: "pending", leaseUntil: { $lte: now } }).sort({ at: 1 }).toArray();
    const claimed: string[] = [];
    for (const { _id } of due) {
      if (isRunning(_id)) continue;
      const { modifiedCount } = await this.pendingFlows.updateOne({ _id, state: "pending", leaseUntil: { $lte: now } }, { $set: { leaseUntil: this.leaseFrom(now) } });
      if (modifiedCount === 1) claimed.push(_id);
    }
    return claimed;
  }

  async flowRecords(flow: string): Promise<ActionRecord[]> {
    return (await this.actions.find({ flow }).sort({ seq: 1 }).toArray()).map(fromDoc);
  }

  /** The flow's intents, in the order they were made (the starting invocation's first). */
  async flowIntents(flow: string): Promise<Intent[]> {
    const [docs, marker] = await Promise.all([this.intents.find({ flow }).sort({ seq: 1 }).toArray(), this.pendingFlows.findOne({ _id: flow })]);
    const starting = marker?.intent === undefined ? [] : [{ ...marker.intent, _id: marker.root, flow }];
    return [...starting, ...docs].map(({ _id, flow: id, concept, action, input, key, cause }: Omit<IntentDoc, "seq" | "at">) => ({
      id: _id,
      flow: id,
      concept,
      action,
      input,
      idempotencyKey: key,
      ...(cause === undefined ? {} : { cause }),
    }));
  }

  async findRecord(id: string): Promise<ActionRecord | undefined> {
    const doc = await this.actions.findOne({ _id: id });
    return doc === null ? undefined : fromDoc(doc);
  }

  async findRecords(ids: readonly string[]): Promise<ActionRecord[]> {
    if (ids.length === 0) return [];
    return (await this.actions.find({ _id: { $in: [...ids] } }).toArray()).map(fromDoc);
  }

  async flowFailures(flow: string): Promise<SyncFailure[]> {
    return (await this.failures.find({ flow }).toArray()).map(({ flow: id, sync, records, error, at }) => ({ flow: id, sync, records, error, at }));
  }

  private leaseFrom(now: Date): Date {
    return new Date(now.getTime() + this.options.leaseSeconds * 1000);
  }

  private nextSeq(): number {
    return Date.now() * 1000 + (this.sequence++ % 1000);
  }

  private queued(): number {
    return this.queuedRecords.length + this.queuedIntents.length + this.queuedOpened.size + this.queuedClosed.length + this.queuedFailures.length;
  }

  private scheduleLazy(): void {
    if (this.queued() >= eagerBatchSize) {
      this.drain().catch(() => undefined);
      return;
    }
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drain().catch(() => undefined);
    }, lazyFlushMs);
    this.timer.unref();
  }

  /** Schedules one batch after the one in flight; whatever is queued when it starts goes in it. */
  private drain(): Promise<void> {
    if (this.scheduled === undefined) {
      const batch = this.last.then(() => {
        this.scheduled = undefined;
        const writing = this.writeBatch();
        this.writing = writing;
        return writing.finally(() => {
          if (this.writing === writing) this.writing = undefined;
        });
      });
      this.scheduled = batch;
      this.last = batch.catch(() => undefined);
    }
    return this.scheduled;
  }

  private async writeBatch(): Promise<void> {
    const records = this.queuedRecords;
    const intents = this.queuedIntents;
    const opened = [...this.queuedOpened.values()];
    const closed = this.queuedClosed;
    const failures = this.queuedFailures;
    this.queuedRecords = [];
    this.queuedIntents = [];
    this.queuedOpened = new Map();
    this.queuedClosed = [];
    this.queuedFailures = [];
    const outcomes = await Promise.allSettled([
      records.length > 0 ? this.actions.insertMany(records, { ordered: false }) : undefined,
      intents.length > 0 ? this.intents.insertMany(intents, { ordered: false }) : undefined,
      opened.length > 0 ? this.pendingFlows.insertMany(opened, { ordered: false }) : undefined,
      closed.length > 0 ? this.pendingFlows.deleteMany({ _id: { $in: closed } }) : undefined,
      failures.length > 0 ? this.failures.insertMany(failures, { ordered: false }) : undefined,
    ]);
    // A duplicate is a record or marker already written (by a resumed flow): not a failure.
    const failed = outcomes.flatMap((outcome) => (outcome.status === "rejected" && !onlyDuplicates(outcome.reason) ? [outcome.reason as unknown] : []));
    if (failed.length === 0) return;
    for (const error of failed) this.options.onWriteError?.(error);
    throw failed[0];
  }
}

function onlyDuplicates(error: unknown): boolean {
  const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
  if (writeErrors === undefined) return (error as { code?: unknown }).code === duplicateKey;
  const list = (Array.isArray(writeErrors) ? writeErrors : [writeErrors]) as { code: number }[];
  return list.every((writeError) => writeError.code === duplicateKey);
}

function toDoc(record: ActionRecord, seq: number): ActionDoc {
  const doc: ActionDoc = { _id: record.id, flow: record.flow, concept: record.concept, action: record.action, input: record.input as Record<string, unknown>, seq, at: record.at };
  if (record.thrown === undefined) doc.output = record.output;
  else doc.thrown = record.thrown;
  if (record.cause !== undefined) doc.cause = record.cause;
  return doc;
}

function intentDoc(intent: Intent, seq: number, at: Date): IntentDoc {
  const { id, flow, concept, action, input, idempotencyKey, cause } = intent;
  // Undefined fields would be stored as null, which the action's schema may refuse on resume.
  const doc: IntentDoc = { _id: id, flow, concept, action, input: definedOnly(input), key: idempotencyKey, seq, at };
  if (cause !== undefined) doc.cause = cause;
  return doc;
}

function fromDoc(doc: ActionDoc): ActionRecord {
  const { _id, flow, concept, action, input, output, thrown, cause, at } = doc;
  return {
    id: _id,
    flow,
    concept,
    action,
    input,
    output,
    ...(thrown === undefined ? {} : { thrown }),
    ...(cause === undefined ? {} : { cause }),
    at,
  };
}
