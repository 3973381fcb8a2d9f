/**
 * The durable action log: one document per flow in `<prefix>.flows`, written at most twice.
 *
 * - **Marker** (`state: "pending"`): written before the first action of the flow that recovery
 *   would need runs (which those are: `SyncEngine`), holding the intents (those actions, their
 *   inputs and idempotency keys), its owner (the engine running it) and a lease. A flow gains
 *   further intents by a `$push`. Markers are the only writes a request waits for. A marker
 *   whose flow gave up before any of its intents ran, and whose client cannot ask again (no
 *   Idempotency-Key), is cancelled: deleted, never resumed (`cancel`).
 * - **Record** (`state: "done"`): when the flow finishes, its document becomes the flow's
 *   record: every action (input and output bounded, see `log-values.ts`) with the sync and
 *   records that caused it, and the syncs that failed; kept `retentionSeconds` for provenance.
 *   The actions are one JSON text (`records`), beside the few fields look-ups need (`ids`,
 *   `users`, `userActions`): nothing queries inside a logged value, and a database parses,
 *   copies and journals a string for a fraction of what the same values cost as nested
 *   documents (a flow's record is most of the bytes a request writes). Values read back
 *   are JSON's: times inside inputs and outputs come back as ISO strings.
 *   A marker becomes the record by one update; a flow without a marker is inserted once, and
 *   only if it changed something (reads and refused requests write nothing).
 *
 * Writes are group-committed: what is queued while a batch is in flight goes out in the next
 * one, as one `insert` and one `update` command for all flows, so concurrent flows share round
 * trips. Finished flows are written lazily (within `lazyFlushMs`, or with the next marker).
 * A document that cannot be written fails for its own flow only; a transient error is retried
 * with backoff, and records not written then are kept for the next batch (bounded).
 */
import type { AnyBulkWriteOperation, Collection, Db } from "mongodb";
import { definedOnly } from "../utils/defined.ts";
import { forLog, logJson } from "./log-values.ts";
import type { ActionRecord, Cause, Intent, SyncFailure } from "./records.ts";
import { DatabaseUnavailableError, isTransientError, retryTransient, type RetryPolicy } from "./transient.ts";

export interface DurableLogOptions {
  readonly prefix: string;
  readonly retentionSeconds: number;
  /** How long an open flow belongs to the engine that opened it before another may resume it. */
  readonly leaseSeconds: number;
  /** The engine writing this log: its markers name it as their owner (see heartbeats.ts). */
  readonly owner: string;
  readonly retryPolicy?: RetryPolicy;
  /** Told about writes that failed (nobody is waiting for a lazy write to throw at). */
  readonly onWriteError?: (error: unknown) => void;
}

interface IntentEntry {
  id: string;
  concept: string;
  action: string;
  input: Record<string, unknown>;
  key: string;
  cause?: Cause;
}

/** One action as the record's JSON text holds it. */
interface RecordEntry {
  id: string;
  concept: string;
  action: string;
  input: unknown;
  output?: unknown;
  thrown?: string;
  cause?: Cause;
  /** A Date when written; an ISO string once read back from the JSON text. */
  at: Date | string;
}

interface FailureEntry {
  sync: string;
  records: string[];
  error: string;
  at: Date;
}

interface FlowDoc {
  /** The flow's id; further parts of a very long flow's record are `<flow>/<n>`. */
  _id: string;
  flow: string;
  state: "pending" | "done";
  part?: number;
  /** Pending only: the engine running the flow, while its heartbeat goes on (heartbeats.ts). */
  owner?: string;
  /** Pending only: after this, any engine may resume it, its owner alive or not (the only rule for markers of earlier versions, which name no owner). */
  leaseUntil?: Date;
  intents?: IntentEntry[];
  /** Done only: the actions, a JSON array of `RecordEntry` (an array of them in earlier versions). */
  records?: string | RecordEntry[];
  /** Done only: the ids of the actions (provenance by record id). */
  ids?: string[];
  /** Done only: the users the actions' inputs name, and `Concept.action user` for each (a user's flows). */
  users?: string[];
  userActions?: string[];
  failures?: FailureEntry[];
  at: Date;
  /** Done only: what the retention (TTL) index counts from. */
  finishedAt?: Date;
}

interface Finish {
  readonly records: readonly ActionRecord[];
  readonly failures: readonly SyncFailure[];
  /** Whether the flow's marker was written (or is being written): the record then updates it. */
  readonly marked: boolean;
}

/** An unfinished flow as the recovery pass sees it. */
export interface PendingMarker {
  readonly flow: string;
  readonly owner: string | undefined;
  readonly leaseUntil: Date | undefined;
}

/** `outcome`, or a `DatabaseUnavailableError` once `deadline` (epoch ms) has passed. */
function beforeDeadline<T>(outcome: Promise<T>, deadline: number): Promise<T> {
  if (deadline === Number.POSITIVE_INFINITY) return outcome;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new DatabaseUnavailableError(new Error("the action log was not written in time"))), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([outcome, late]).finally(() => clearTimeout(timer));
}

/** Records per document of a flow's record: a 16k-action flow is a few documents, not one too large. */
const recordsPerPart = 1000;
const lazyFlushMs = 20;
const eagerBatchSize = 500;
/** Finished flows kept for a later batch while the database is away, at most. */
const maxDeferredFinishes = 20_000;
const duplicateKey = 11000;

/** What one batch carries. Markers and finishes of one flow never share a batch with each other: they merge. */
class Batch {
  readonly markers = new Map<string, FlowDoc>();
  readonly pushes = new Map<string, IntentEntry[]>();
  readonly finishes = new Map<string, Finish>();
  /** Markers to delete: flows given up before any intent ran, whose client was told nothing happened. */
  readonly cancels = new Set<string>();
  /** A barrier waits for it: write it as soon as the one in flight is done. */
  urgent = false;
  private settle: (failed: Map<string, unknown>) => void = () => undefined;
  /** The flows whose writes failed, with why; resolved once the batch is written. */
  readonly outcome = new Promise<Map<string, unknown>>((resolve) => (this.settle = resolve));

  get size(): number {
    return this.markers.size + this.pushes.size + this.finishes.size + this.cancels.size;
  }

  carries(flow: string): boolean {
    return this.markers.has(flow) || this.pushes.has(flow) || this.finishes.has(flow);
  }

  done(failed: Map<string, unknown>): void {
    this.settle(failed);
  }
}

export class DurableLog {
  private readonly flows: Collection<FlowDoc>;
  private next = new Batch();
  private writing: Batch | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Flows whose marker is written or in flight: their intents and record update it. */
  private readonly marked = new Set<string>();
  /** Flows whose marker is being deleted (`cancel`): never resumed meanwhile. */
  private readonly cancelling = new Set<string>();

  constructor(
    db: Db,
    private readonly options: DurableLogOptions,
  ) {
    this.flows = db.collection<FlowDoc>(`${options.prefix}.flows`);
  }

  /** The engine writing this log, as its markers name their owner. */
  get owner(): string {
    return this.options.owner;
  }

  async prepare(): Promise<void> {
    await retryTransient(
      () =>
        Promise.all([
          this.flows.createIndex({ state: 1, leaseUntil: 1 }),
          this.flows.createIndex({ flow: 1, part: 1 }),
          this.flows.createIndex({ ids: 1 }),
          this.flows.createIndex({ finishedAt: 1 }, { expireAfterSeconds: this.options.retentionSeconds }),
        ]),
      this.options.retryPolicy,
    );
    // Earlier versions indexed the nested records; on a text that index only costs writes.
    await this.flows.dropIndex("records.id_1").catch(() => undefined);
  }

  /**
   * Queues intents: actions about to run that recovery must be able to run again. The first
   * ones of a flow create its marker. The caller waits on `barrier(flow)` before running them.
   */
  writeAhead(flow: string, intents: readonly Intent[]): void {
    const entries = intents.map(intentEntry);
    const marker = this.next.markers.get(flow);
    if (marker !== undefined) {
      marker.intents?.push(...entries);
    } else if (this.marked.has(flow)) {
      const pushes = this.next.pushes.get(flow);
      if (pushes === undefined) this.next.pushes.set(flow, entries);
      else pushes.push(...entries);
    } else {
      const at = new Date();
      this.marked.add(flow);
      this.next.markers.set(flow, { _id: flow, flow, state: "pending", owner: this.options.owner, leaseUntil: this.leaseFrom(at), intents: entries, at });
    }
    this.schedule();
  }

  /** Whether the flow has a marker (written or queued): recovery knows it. */
  isMarked(flow: string): boolean {
    return this.marked.has(flow);
  }

  /**
   * Queues the record of a finished flow: it replaces the flow's marker, or is inserted when
   * the flow had none. Written lazily; a marker not yet written becomes the record directly.
   */
  finish(flow: string, records: readonly ActionRecord[], failures: readonly SyncFailure[]): void {
    const marked = this.marked.delete(flow);
    const marker = this.next.markers.get(flow);
    this.next.pushes.delete(flow);
    if (marker !== undefined) {
      // Never written: the flow goes straight to its record.
      this.next.markers.delete(flow);
      this.next.finishes.set(flow, { records, failures, marked: false });
    } else {
      this.next.finishes.set(flow, { records, failures, marked });
    }
    this.schedule();
  }

  /** Forgets a flow left unfinished (its marker, if any, stays for the recovery pass). */
  abandon(flow: string): void {
    this.marked.delete(flow);
  }

  /**
   * Forgets a flow left unfinished and makes sure its marker is never resumed: a marker not
   * sent yet is dropped; one written (or in flight) is deleted by the next batch, retried
   * until the database answers. Until then this engine does not resume it; should this
   * engine die first, another one would (see the engine's README: the rule for a 503).
   */
  cancel(flow: string): void {
    if (!this.marked.delete(flow)) return;
    this.next.pushes.delete(flow);
    if (this.next.markers.delete(flow)) return;
    this.cancelling.add(flow);
    this.next.cancels.add(flow);
    this.schedule();
  }

  /**
   * Resolves once this flow's queued writes are written; rejects with why they could not be,
   * or with `DatabaseUnavailableError` once `deadline` (epoch ms) has passed.
   */
  async barrier(flow: string, deadline = Number.POSITIVE_INFINITY): Promise<void> {
    let batch: Batch | undefined;
    if (this.next.carries(flow)) {
      batch = this.next;
      batch.urgent = true;
      this.pump();
    } else if (this.writing?.carries(flow) === true) {
      batch = this.writing;
    }
    if (batch === undefined) return;
    const failed = await beforeDeadline(batch.outcome, deadline);
    if (failed.has(flow)) throw failed.get(flow);
  }

  /**
   * Writes everything queued so far (failures are reported through `onWriteError`); gives up
   * at `deadline` (epoch ms) while the database is away.
   */
  async flush(deadline = Number.POSITIVE_INFINITY): Promise<void> {
    for (let rounds = 0; (this.next.size > 0 || this.writing !== undefined) && rounds < 100 && Date.now() < deadline; rounds++) {
      const batch = this.writing ?? this.next;
      batch.urgent = true;
      this.pump();
      await beforeDeadline(batch.outcome, deadline).catch(() => undefined);
    }
  }

  /** The unfinished flows (pending markers), oldest first, with their owner and lease; none being cancelled. */
  async pendingMarkers(): Promise<PendingMarker[]> {
    const pending = await this.flows
      .find({ state: "pending" }, { projection: { _id: 1, owner: 1, leaseUntil: 1 } })
      .sort({ at: 1 })
      .toArray();
    return pending.filter(({ _id }) => !this.cancelling.has(_id)).map(({ _id, owner, leaseUntil }) => ({ flow: _id, owner, leaseUntil }));
  }

  /**
   * Takes a pending flow over for this engine, if it is still as `marker` saw it (another
   * engine may have taken it first); answers whether it did.
   */
  async claim(marker: PendingMarker): Promise<boolean> {
    if (this.cancelling.has(marker.flow)) return false;
    const { modifiedCount } = await this.flows.updateOne(
      { _id: marker.flow, state: "pending", owner: marker.owner ?? { $exists: false }, leaseUntil: marker.leaseUntil ?? { $exists: false } },
      { $set: { owner: this.options.owner, leaseUntil: this.leaseFrom(new Date()) } },
    );
    if (modifiedCount === 1) this.marked.add(marker.flow);
    return modifiedCount === 1;
  }

  /** The intents of an unfinished flow, in the order they were written (the starting invocation's first). */
  async flowIntents(flow: string): Promise<Intent[]> {
    const marker = await this.flows.findOne({ _id: flow }, { projection: { intents: 1 } });
    return (marker?.intents ?? []).map(({ id, concept, action, input, key, cause }) => ({
      id,
      flow,
      concept,
      action,
      input,
      idempotencyKey: key,
      ...(cause === undefined ? {} : { cause }),
    }));
  }

  /** A finished flow's records and failures, in the order they happened; undefined when none is kept. */
  async flowRecord(flow: string): Promise<{ records: ActionRecord[]; failures: SyncFailure[] } | undefined> {
    const parts = await this.flows.find({ flow, state: "done" }).sort({ part: 1 }).toArray();
    if (parts.length === 0) return undefined;
    return {
      records: parts.flatMap((part) => entriesOf(part).map((entry) => recordOf(flow, entry))),
      failures: parts.flatMap((part) => (part.failures ?? []).map((entry) => ({ flow, ...entry }))),
    };
  }

  /** The flow a record belongs to, with every record of it; undefined when no kept flow has it. */
  async flowOfRecord(id: string): Promise<{ record: ActionRecord; records: ActionRecord[] } | undefined> {
    const part = await this.flows.findOne({ ids: id, state: "done" }, { projection: { flow: 1 } });
    if (part === null) return undefined;
    const flow = await this.flowRecord(part.flow);
    const record = flow?.records.find((candidate) => candidate.id === id);
    return flow === undefined || record === undefined ? undefined : { record, records: flow.records };
  }

  private leaseFrom(now: Date): Date {
    return new Date(now.getTime() + this.options.leaseSeconds * 1000);
  }

  private schedule(): void {
    if (this.next.size >= eagerBatchSize) {
      this.next.urgent = true;
      this.pump();
      return;
    }
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.next.urgent = true;
      this.pump();
    }, lazyFlushMs);
    this.timer.unref();
  }

  /** Starts writing the next batch when none is in flight and it is due. */
  private pump(): void {
    if (this.writing !== undefined || this.next.size === 0 || !this.next.urgent) return;
    const batch = this.next;
    this.next = new Batch();
    this.writing = batch;
    const everyFlowFailed = (error: unknown) => new Map([...batch.markers.keys(), ...batch.pushes.keys(), ...batch.finishes.keys(), ...batch.cancels].map((flow) => [flow, error]));
    void this.write(batch).catch(everyFlowFailed).then((failed) => {
      this.writing = undefined;
      batch.done(failed);
      if (this.next.size > 0) {
        if (this.next.urgent) this.pump();
        else this.schedule();
      }
    });
  }

  /** Writes a batch; answers the flows that could not be written, with why. Never rejects. */
  private async write(batch: Batch): Promise<Map<string, unknown>> {
    const failed = new Map<string, unknown>();
    const inserts: { flow: string; doc: FlowDoc }[] = [];
    const updates: { flow: string; op: AnyBulkWriteOperation<FlowDoc> }[] = [];
    for (const [flow, marker] of batch.markers) inserts.push({ flow, doc: marker });
    for (const [flow, intents] of batch.pushes) {
      updates.push({ flow, op: { updateOne: { filter: { _id: flow, state: "pending" }, update: { $push: { intents: { $each: intents } } } } } });
    }
    for (const flow of batch.cancels) updates.push({ flow, op: { deleteOne: { filter: { _id: flow, state: "pending" } } } });
    const finishedAt = new Date();
    for (const [flow, finish] of batch.finishes) {
      let parts: FlowDoc[];
      try {
        parts = recordParts(flow, finish, finishedAt);
      } catch (error) {
        // A value that cannot even be read (a getter that throws): this flow's record alone is lost.
        failed.set(flow, error);
        continue;
      }
      const [first, ...rest] = parts;
      if (first === undefined) continue;
      if (finish.marked) {
        const { _id, flow: _flow, at: _at, ...done } = first;
        updates.push({ flow, op: { updateOne: { filter: { _id: flow }, update: { $set: done, $unset: { owner: "", leaseUntil: "", intents: "" } } } } });
      } else {
        inserts.push({ flow, doc: first });
      }
      for (const doc of rest) inserts.push({ flow, doc });
    }
    await Promise.all([this.insertAll(inserts, failed), this.updateAll(updates, failed)]);
    for (const [flow, error] of failed) {
      this.options.onWriteError?.(error);
      const finish = batch.finishes.get(flow);
      // A flow's record not written for a passing outage is kept for the next batch; so is a cancel.
      if (finish !== undefined && isTransientError(error)) this.defer(flow, finish);
      if (batch.cancels.has(flow) && isTransientError(error)) {
        this.next.cancels.add(flow);
        this.schedule();
      }
    }
    for (const flow of batch.cancels) if (!this.next.cancels.has(flow)) this.cancelling.delete(flow);
    return failed;
  }

  private defer(flow: string, finish: Finish): void {
    if (this.next.finishes.size >= maxDeferredFinishes) {
      // Provenance is given up first; a marker still becomes a (bare) record so it is not resumed.
      if (!finish.marked) return;
      this.next.finishes.set(flow, { records: [], failures: [], marked: true });
    } else {
      this.next.finishes.set(flow, finish);
    }
    this.schedule();
  }

  /** One insert for the whole batch; a document that fails fails for its own flow. */
  private insertAll(items: readonly { flow: string; doc: FlowDoc }[], failed: Map<string, unknown>): Promise<void> {
    return writeAll(items, failed, (batch) => this.flows.insertMany(batch.map((item) => item.doc), { ordered: false }), this.options.retryPolicy);
  }

  /** One update command for the whole batch; an update that fails fails for its own flow. */
  private updateAll(items: readonly { flow: string; op: AnyBulkWriteOperation<FlowDoc> }[], failed: Map<string, unknown>): Promise<void> {
    return writeAll(items, failed, (batch) => this.flows.bulkWrite(batch.map((item) => item.op), { ordered: false }), this.options.retryPolicy);
  }
}

/**
 * Writes `items` in one command (retried while the error is transient), and records in
 * `failed` the flows whose own document failed. A duplicate is a document already written (a
 * retried batch, a resumed flow): done. A command refused as a whole (a document the driver
 * could not encode) is written again one item at a time, so only that item's flow fails.
 */
async function writeAll<T extends { flow: string }>(
  items: readonly T[],
  failed: Map<string, unknown>,
  write: (batch: readonly T[]) => Promise<unknown>,
  retryPolicy: RetryPolicy | undefined,
): Promise<void> {
  if (items.length === 0) return;
  try {
    await retryTransient(() => write(items), retryPolicy);
  } catch (error) {
    const perDocument = writeErrorsOf(error);
    if (perDocument !== undefined) {
      for (const { index, code, error: cause } of perDocument) if (code !== duplicateKey) failed.set(items[index]?.flow ?? "", cause);
      return;
    }
    if (isTransientError(error) || items.length === 1) {
      for (const item of items) failed.set(item.flow, error);
      return;
    }
    for (const item of items) await writeAll([item], failed, write, retryPolicy);
  }
}

/** The per-document errors of a bulk write, when the server answered for each document. */
function writeErrorsOf(error: unknown): { index: number; code: number; error: unknown }[] | undefined {
  const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
  if (writeErrors === undefined) return undefined;
  const list = (Array.isArray(writeErrors) ? writeErrors : [writeErrors]) as { index: number; code: number; errmsg?: string }[];
  return list.map((writeError) => ({ index: writeError.index, code: writeError.code, error: new Error(writeError.errmsg ?? `write error ${writeError.code}`) }));
}

function intentEntry({ id, concept, action, input, idempotencyKey, cause }: Intent): IntentEntry {
  // Undefined fields would be stored as null, which the action's schema may refuse on resume.
  const entry: IntentEntry = { id, concept, action, input: definedOnly(input), key: idempotencyKey };
  if (cause !== undefined) entry.cause = { sync: cause.sync, records: [...cause.records], key: cause.key };
  return entry;
}

/**
 * One action as JSON text, the shape of `RecordEntry`: built from its values' own JSON, so
 * that each value is serialised once (its size is known from it).
 */
function recordJson(record: ActionRecord): string {
  const fields = [`"id":${JSON.stringify(record.id)}`, `"concept":${JSON.stringify(record.concept)}`, `"action":${JSON.stringify(record.action)}`];
  const input = logJson(record.input);
  if (input !== undefined) fields.push(`"input":${input}`);
  if (record.thrown === undefined) {
    const output = logJson(record.output);
    if (output !== undefined) fields.push(`"output":${output}`);
  } else {
    fields.push(`"thrown":${JSON.stringify(record.thrown)}`);
  }
  if (record.cause !== undefined) {
    const { sync, records, key, reads } = record.cause;
    fields.push(`"cause":${JSON.stringify({ sync, records, key, ...(reads === undefined ? {} : { reads: reads.map((read) => ({ ...read, input: forLog(read.input) })) }) })}`);
  }
  fields.push(`"at":${JSON.stringify(record.at)}`);
  return `{${fields.join(",")}}`;
}

/** A finished flow's record as documents: the first holds the failures and up to `recordsPerPart` records. */
function recordParts(flow: string, { records, failures }: Finish, finishedAt: Date): FlowDoc[] {
  const failureEntries = failures.map(({ sync, records: matched, error, at }) => ({ sync, records: [...matched], error, at }));
  const at = records[0]?.at ?? finishedAt;
  const docs: FlowDoc[] = [];
  for (let part = 0; part === 0 || part * recordsPerPart < records.length; part++) {
    const slice = records.slice(part * recordsPerPart, (part + 1) * recordsPerPart);
    docs.push({
      _id: part === 0 ? flow : `${flow}/${part}`,
      flow,
      state: "done",
      ...(part === 0 ? {} : { part }),
      // Should reading a value still throw (values with no JSON are cut), this flow's record alone is lost (see `write`).
      records: `[${slice.map(recordJson).join(",")}]`,
      ...lookUpFields(slice),
      ...(part === 0 ? { failures: failureEntries } : {}),
      at,
      finishedAt,
    });
  }
  return docs;
}

/** The fields a record is found by: its actions' ids, and the users their inputs name. */
function lookUpFields(records: readonly ActionRecord[]): Pick<FlowDoc, "ids" | "users" | "userActions"> {
  const users = new Set<string>();
  const userActions = new Set<string>();
  for (const { concept, action, input } of records) {
    const user = input["user"];
    if (typeof user !== "string") continue;
    users.add(user);
    userActions.add(userAction(concept, action, user));
  }
  return { ids: records.map((record) => record.id), users: [...users], userActions: [...userActions] };
}

function userAction(concept: string, action: string, user: string): string {
  return `${concept}.${action} ${user}`;
}

/**
 * The filter of finished flows with an action whose input names `user` (and, with `action`,
 * where that action ran for them): what the dev console lists as a user's flows.
 */
export function userFlowsFilter(user: string, action?: { concept: string; action: string }): Record<string, unknown> {
  return action === undefined ? { state: "done", users: user } : { state: "done", userActions: userAction(action.concept, action.action, user) };
}

function entriesOf(part: FlowDoc): RecordEntry[] {
  const { records } = part;
  if (records === undefined) return [];
  return typeof records === "string" ? (JSON.parse(records) as RecordEntry[]) : records;
}

function recordOf(flow: string, { id, concept, action, input, output, thrown, cause, at }: RecordEntry): ActionRecord {
  // JSON text holds times as strings; earlier versions' nested records hold Dates.
  return {
    id,
    flow,
    concept,
    action,
    input: input as Record<string, unknown>,
    output,
    ...(thrown === undefined ? {} : { thrown }),
    ...(cause === undefined ? {} : { cause }),
    at: new Date(at),
  };
}
