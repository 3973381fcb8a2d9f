/**
 * The synchronization engine: runs actions, records them, and runs every sync they complete,
 * transitively and depth-first, in the same flow. Optionally persists the action log and the
 * pending then-actions in MongoDB, so work interrupted by a crash is resumed at start.
 */
import type { Db } from "mongodb";
import type { Logger } from "pino";
import { Bindings, conceptClassOf } from "./bindings.ts";
import type { Binding } from "./bindings.ts";
import { isErrorOutput } from "./concept.ts";
import type { ConceptClass, ErrorOutput } from "./concept.ts";
import { DurableLog } from "./durable-log.ts";
import type { PendingAction } from "./durable-log.ts";
import { FlowState } from "./flow.ts";
import { framesFor, instantiate, setDefaultQueryRunner } from "./frames.ts";
import type { Frame, Frames, QueryRunner } from "./frames.ts";
import { engineLogger } from "./logging.ts";
import type { LogLevel } from "./logging.ts";
import { Matcher } from "./matcher.ts";
import type { Match } from "./matcher.ts";
import { flowTree, recordProvenance } from "./provenance.ts";
import type { Provenance } from "./provenance.ts";
import { actionKey, firingKey, IdSource } from "./records.ts";
import type { ActionRecord, Cause, SyncFailure } from "./records.ts";
import { compileSync, literalsOf, operationKey } from "./sync.ts";
import type { CompiledSync, Sync } from "./sync.ts";

export interface EngineOptions {
  /** The database for the durable action log. */
  db?: Db;
  /** Persist action records and pending then-actions (default: true when `db` is given). */
  durable?: boolean;
  logLevel?: LogLevel;
  logger?: Logger;
  /** How long finished records and settled pending actions are kept (TTL); default 7 days. */
  retentionSeconds?: number;
  /** A pending action younger than this belongs to a live engine and is not resumed; default 30. */
  leaseSeconds?: number;
  /** Prefix of the log's collections; default "engine" (`engine.actions`, `engine.pending`). */
  collectionPrefix?: string;
}

/** An operation as `invoke` and `query` accept it: a reference (`Concept.action`) or its names. */
export interface OperationName {
  readonly concept: string;
  readonly name: string;
}

export interface InvokeResult {
  /** The invoked action's output (an object or `{ error }`). */
  readonly output: unknown;
  readonly flow: string;
  /** The id of the invoked action's record. */
  readonly record: string;
  /** Syncs of this invocation that could not complete (also logged and, when durable, persisted). */
  readonly failures: readonly SyncFailure[];
}

export class SyncEngine {
  private readonly bindings = new Bindings();
  private readonly matcher = new Matcher();
  private readonly ids = new IdSource();
  private readonly flows = new Map<string, FlowState>();
  private readonly log: DurableLog | undefined;
  private readonly logger: Logger | undefined;
  private readonly runner: QueryRunner = { query: (ref, input) => this.query(ref, input) };
  private readonly EngineFrames: typeof Frames = framesFor(this.runner);
  private readonly leaseMs: number;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(options: EngineOptions = {}) {
    this.logger = engineLogger(options.logLevel ?? "off", options.logger);
    this.leaseMs = Math.max(1, options.leaseSeconds ?? 30) * 1000;
    if (options.db !== undefined && options.durable !== false) {
      this.log = new DurableLog(options.db, {
        prefix: options.collectionPrefix ?? "engine",
        retentionSeconds: options.retentionSeconds ?? 7 * 24 * 3600,
        leaseSeconds: options.leaseSeconds ?? 30,
        onWriteError: (error) => {
          if (this.logger !== undefined) this.logger.error({ error: messageOf(error) }, "action log write failed");
          else process.emitWarning(`engine action log write failed: ${messageOf(error)}`);
        },
      });
    } else if (options.durable === true) {
      throw new Error("a durable engine needs a db");
    }
    setDefaultQueryRunner(this.runner);
  }

  get durable(): boolean {
    return this.log !== undefined;
  }

  registerConcept(conceptClass: ConceptClass, instance: object): void {
    this.bindings.register(conceptClass, instance);
  }

  /** Registers concept instances, each by the concept class that made it. */
  register(instances: Iterable<object>): void {
    for (const instance of instances) this.registerConcept(conceptClassOf(instance), instance);
  }

  registerSyncs(syncs: Readonly<Record<string, Sync>>): void {
    for (const [name, sync] of Object.entries(syncs)) {
      if (this.matcher.syncs.some((existing) => existing.name === name)) throw new Error(`sync ${name} is already registered`);
      this.matcher.add(compileSync(name, sync));
    }
  }

  /**
   * Prepares the durable log (indexes) and finishes the flows a stopped engine left unfinished;
   * then keeps checking, every lease period, for work whose engine has died since.
   */
  async start(): Promise<void> {
    if (this.log === undefined) return;
    await this.log.prepare();
    await this.resumePending();
    this.sweeper ??= setInterval(() => {
      this.resumePending().catch((error: unknown) => this.logger?.error({ error: messageOf(error) }, "resuming pending work failed"));
    }, this.leaseMs);
    this.sweeper.unref();
  }

  /** Stops looking for abandoned work and writes every queued log entry. */
  async stop(): Promise<void> {
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    this.sweeper = undefined;
    await this.log?.flush();
  }

  /**
   * Runs an action as the start of a new flow (or inside `options.flow`), then every sync it
   * triggers, transitively, in that flow; resolves when all of them have run. Rejects only when
   * the invoked action itself throws.
   */
  async invoke(ref: OperationName, input: object, options: { flow?: string } = {}): Promise<InvokeResult> {
    const binding = this.bindings.get(ref.concept, ref.name);
    if (binding.schema.kind !== "action") throw new TypeError(`${ref.concept}.${ref.name} is a query: use engine.query`);
    const flow = this.openFlow(options.flow ?? this.ids.next());
    const failuresBefore = flow.failures.length;
    try {
      const record = await this.perform(flow, binding, input, undefined);
      if (record.thrown !== undefined) throw new Error(`${ref.concept}.${ref.name} threw: ${record.thrown}`);
      const root = await this.persistRoot(record);
      await this.synchronize(flow, record);
      if (root !== undefined) this.log?.settle(root, "done");
      return { output: record.output, flow: flow.id, record: record.id, failures: flow.failures.slice(failuresBefore) };
    } finally {
      this.closeFlow(flow);
    }
  }

  /**
   * Keeps a durable flow open until the syncs its invoked action triggers have run: if the
   * engine stops first, `start` finishes them. Answers the entry's key (none when in memory).
   */
  private async persistRoot(record: ActionRecord): Promise<string | undefined> {
    if (this.log === undefined || !this.matcher.watches(operationKey(record.concept, record.action))) return undefined;
    const key = `root|${record.id}`;
    const { concept, action, input, flow } = record;
    await this.log.persistPending([{ key, firing: key, flow, sync: "", records: [record.id], concept, action, input, external: true }]);
    return key;
  }

  /** Runs a concept query with validated input; answers its rows or `{ error }`. */
  async query(ref: OperationName, input: object): Promise<unknown[] | ErrorOutput> {
    const binding = this.bindings.get(ref.concept, ref.name);
    if (binding.schema.kind !== "query") throw new TypeError(`${ref.concept}.${ref.name} is an action: use engine.invoke`);
    const parsed = binding.schema.input.safeParse(input);
    if (!parsed.success) return invalidInput(parsed.error);
    return (await binding.call(parsed.data, { flow: "" })) as unknown[] | ErrorOutput;
  }

  /** The literal values when-patterns give to `field` of an action, e.g. every route of a request concept. */
  patternLiterals(ref: OperationName, field: string): unknown[] {
    return literalsOf(this.matcher.syncs, ref.concept, ref.name, field);
  }

  /** The registered syncs' names, in registration order. */
  syncNames(): string[] {
    return this.matcher.syncs.map((sync) => sync.name);
  }

  /**
   * For a record id: the record, the sync that ran it and the records that sync matched.
   * For a flow id: the flow's records as a tree of causes. From memory while the flow runs,
   * from the durable log afterwards; undefined when neither knows the id.
   */
  async provenance(recordOrFlowId: string): Promise<Provenance | undefined> {
    await this.log?.flush();
    const active = this.flows.get(recordOrFlowId);
    if (active !== undefined) return flowTree(active.id, active.records, active.failures);
    for (const flow of this.flows.values()) {
      const record = flow.records.find((candidate) => candidate.id === recordOrFlowId);
      if (record !== undefined) return recordProvenance(record, flow.records);
    }
    if (this.log === undefined) return undefined;
    const record = await this.log.findRecord(recordOrFlowId);
    if (record !== undefined) return recordProvenance(record, await this.log.findRecords(record.cause?.records ?? []));
    const records = await this.log.flowRecords(recordOrFlowId);
    if (records.length === 0) return undefined;
    return flowTree(recordOrFlowId, records, await this.log.flowFailures(recordOrFlowId));
  }

  private openFlow(id: string): FlowState {
    let flow = this.flows.get(id);
    if (flow === undefined) {
      flow = new FlowState(id);
      this.flows.set(id, flow);
    }
    flow.users++;
    return flow;
  }

  private closeFlow(flow: FlowState): void {
    if (--flow.users === 0) this.flows.delete(flow.id);
  }

  /** Validates the input, runs the action and records it (an exception becomes `thrown`). */
  private async perform(flow: FlowState, binding: Binding, input: object, cause: Cause | undefined): Promise<ActionRecord> {
    const parsed = binding.schema.input.safeParse(input);
    let output: unknown;
    let thrown: string | undefined;
    let recordedInput = input as Record<string, unknown>;
    if (!parsed.success) {
      output = invalidInput(parsed.error);
    } else {
      recordedInput = parsed.data as Record<string, unknown>;
      try {
        output = await binding.call(parsed.data, cause === undefined ? { flow: flow.id } : { flow: flow.id, idempotencyKey: cause.key });
      } catch (error) {
        thrown = messageOf(error);
      }
    }
    const record: ActionRecord = {
      id: this.ids.next(),
      flow: flow.id,
      concept: binding.concept,
      action: binding.name,
      input: recordedInput,
      output,
      ...(thrown === undefined ? {} : { thrown }),
      ...(cause === undefined ? {} : { cause }),
      at: new Date(),
    };
    this.addRecord(flow, record);
    return record;
  }

  private addRecord(flow: FlowState, record: ActionRecord): void {
    const operation = this.index(flow, record);
    this.log?.append(record);
    if (this.logger === undefined) return;
    const line = { flow: record.flow, record: record.id, sync: record.cause?.sync, error: isErrorOutput(record.output) ? record.output.error : undefined };
    if (record.thrown !== undefined) this.logger.error({ ...line, thrown: record.thrown }, `${operation} threw`);
    else if (this.logger.isLevelEnabled("debug")) this.logger.debug({ ...line, input: record.input, output: record.output }, operation);
    else this.logger.info(line, operation);
  }

  /** Adds a record to its flow, indexed when some when-pattern watches its operation. */
  private index(flow: FlowState, record: ActionRecord): string {
    const operation = operationKey(record.concept, record.action);
    flow.add(record, operation, this.matcher.watches(operation));
    return operation;
  }

  /** Runs every sync the record completes, each once per set of matched records, depth-first. */
  private async synchronize(flow: FlowState, record: ActionRecord): Promise<void> {
    if (record.thrown !== undefined) return;
    for (const match of this.matcher.matches(flow, record)) {
      const ids = match.records.map((matched) => matched.id);
      const firing = firingKey(match.sync.name, ids);
      if (flow.fired.has(firing)) continue;
      flow.fired.add(firing);
      await this.fire(flow, match, firing, ids);
    }
  }

  private async fire(flow: FlowState, match: Match, firing: string, ids: string[]): Promise<void> {
    const { sync } = match;
    let actions: PendingAction[];
    try {
      const frames = await this.frames(sync, match.frame);
      actions = this.thenActions(sync, flow.id, firing, ids, frames);
    } catch (error) {
      this.fail(flow, sync.name, ids, error);
      return;
    }
    if (actions.length === 0) return;
    if (this.log !== undefined) {
      const taken = await this.log.persistPending(actions);
      actions = actions.filter((action) => !taken.has(action.key));
    }
    await this.runThenActions(flow, actions);
  }

  private async frames(sync: CompiledSync, frame: Frame): Promise<readonly Frame[]> {
    const initial = new this.EngineFrames(frame);
    if (sync.where === undefined) return initial;
    const result = await sync.where(initial);
    if (!Array.isArray(result)) throw new TypeError(`where of ${sync.name} must return frames`);
    return result;
  }

  private thenActions(sync: CompiledSync, flow: string, firing: string, ids: readonly string[], frames: readonly Frame[]): PendingAction[] {
    const actions: PendingAction[] = [];
    frames.forEach((frame, frameIndex) => {
      sync.then.forEach((then, position) => {
        this.bindings.get(then.concept, then.action);
        actions.push({
          key: actionKey(firing, frameIndex, position),
          firing,
          flow,
          sync: sync.name,
          records: ids,
          concept: then.concept,
          action: then.action,
          input: instantiate(then.input, frame, `${sync.name} runs ${then.concept}.${then.action}`),
        });
      });
    });
    return actions;
  }

  /**
   * Runs then-actions in order, each followed by the syncs it completes. An action that throws
   * fails its sync: the later actions of the same frame are skipped (and settled as failed).
   * An action is settled as done once the syncs it triggered have run, so a resumed flow
   * never misses them.
   */
  private async runThenActions(flow: FlowState, actions: readonly PendingAction[]): Promise<void> {
    let failedFrame: string | undefined;
    for (const action of actions) {
      const frame = action.key.slice(0, action.key.lastIndexOf("."));
      if (frame === failedFrame) {
        this.log?.settle(action.key, "failed", "an earlier action of the same sync failed");
        continue;
      }
      const record = await this.runThenAction(flow, action);
      if (record.thrown !== undefined) {
        failedFrame = frame;
        this.log?.settle(action.key, "failed", record.thrown);
        this.fail(flow, action.sync, action.records, `${action.concept}.${action.action} threw: ${record.thrown}`);
        continue;
      }
      await this.synchronize(flow, record);
      this.log?.settle(action.key, "done");
    }
  }

  private async runThenAction(flow: FlowState, action: PendingAction): Promise<ActionRecord> {
    const binding = this.bindings.get(action.concept, action.action);
    return this.perform(flow, binding, action.input, { sync: action.sync, records: action.records, key: action.key });
  }

  private fail(flow: FlowState, sync: string, records: readonly string[], error: unknown): void {
    const failure: SyncFailure = { flow: flow.id, sync, records, error: messageOf(error), at: new Date() };
    flow.failures.push(failure);
    this.log?.appendFailure(failure);
    this.logger?.error(failure, `sync ${sync} failed`);
  }

  /**
   * Finishes the flows an engine left unfinished (it stopped while their pending entries were
   * open). Each flow is rebuilt from the log; a pending then-action runs unless its record
   * exists; then every record of the flow is synchronized again, where firings already
   * persisted are skipped, so only the syncs that never ran now run, once.
   */
  private async resumePending(): Promise<void> {
    const log = this.log;
    if (log === undefined) return;
    const byFlow = new Map<string, PendingAction[]>();
    for (const action of await log.claimDue((flow) => this.flows.has(flow))) {
      const list = byFlow.get(action.flow);
      if (list === undefined) byFlow.set(action.flow, [action]);
      else list.push(action);
    }
    for (const [flowId, entries] of byFlow) {
      const flow = this.openFlow(flowId);
      try {
        const { records, firings } = await log.loadFlow(flowId);
        for (const record of records) this.index(flow, record);
        for (const firing of firings) flow.fired.add(firing);
        const logged = new Set(records.flatMap((record) => record.cause?.key ?? []));
        await this.runThenActions(flow, entries.filter((entry) => entry.external !== true && !logged.has(entry.key)));
        for (const record of records) await this.synchronize(flow, record);
        for (const entry of entries) if (entry.external === true || logged.has(entry.key)) log.settle(entry.key, "done");
      } finally {
        this.closeFlow(flow);
      }
      this.logger?.info({ flow: flowId, entries: entries.length }, "resumed an unfinished flow");
    }
  }
}

function invalidInput(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): ErrorOutput {
  const message = error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message)).join("; ");
  return { error: message, reason: "invalid" };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
