/**
 * The synchronization engine: runs actions, records them, and runs every sync they complete,
 * transitively and depth-first, in the same flow. Optionally persists the action log and the
 * pending then-actions in MongoDB, so work interrupted by a crash is resumed at start.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Db } from "mongodb";
import type { Logger } from "pino";
import { Bindings, conceptClassOf } from "./bindings.ts";
import type { Binding } from "./bindings.ts";
import { isErrorOutput } from "./concept.ts";
import type { ConceptClass, ErrorOutput, RowBatches } from "./concept.ts";
import { Consequences } from "./consequences.ts";
import { DurableLog, type PendingMarker } from "./durable-log.ts";
import { Heartbeats } from "./heartbeats.ts";
import { FlowState } from "./flow.ts";
import { framesFor, instantiate } from "./frames.ts";
import type { Frame, Frames, QueryRunner } from "./frames.ts";
import { engineLogger, engineWarnings } from "./logging.ts";
import type { LogLevel } from "./logging.ts";
import { Matcher } from "./matcher.ts";
import type { Match } from "./matcher.ts";
import { flowTree, recordProvenance } from "./provenance.ts";
import type { Provenance } from "./provenance.ts";
import { actionKey, firingKey, frameOf, IdSource, intentOf, plannedOf, recordIdOf } from "./records.ts";
import type { ActionRecord, Cause, Intent, PlannedAction, QueryRead, SyncFailure } from "./records.ts";
import { recordingReads, routeDirectCalls } from "./direct-calls.ts";
import { templateFramesFor } from "./template/frames.ts";
import { hasUncheckedSchemas } from "./unchecked.ts";
import { compileSync, literalsOf, operationKey } from "./sync.ts";
import type { CompiledSync, Sync } from "./sync.ts";
import { defaultRetryPolicy, isTransientError, retryTransient, type RetryPolicy } from "./transient.ts";
import { readKey, SharedReads } from "./shared-reads.ts";

export interface EngineOptions {
  /** The database for the durable action log. */
  db?: Db;
  /** Persist action records and pending then-actions (default: true when `db` is given). */
  durable?: boolean;
  logLevel?: LogLevel;
  logger?: Logger;
  /** How long finished records and settled pending actions are kept (TTL); default 7 days. */
  retentionSeconds?: number;
  /**
   * A bound: an unfinished flow this long after it was written (or last claimed) may be resumed
   * by any engine, even one whose owner still beats (the rule for flows of earlier versions,
   * which name no owner); default 30.
   */
  leaseSeconds?: number;
  /**
   * No other engine can reach this database (the embedded one, in this process, whose data
   * directory lock this process holds): every flow left pending at start is a dead engine's,
   * and is finished before `start()` resolves. Otherwise engines beat (`heartbeatMs`), and
   * an engine's pending flows are taken over once its beat has stood still for `staleMs`.
   */
  soleEngine?: boolean;
  /** How often this engine beats and looks for work to take over; default 1000 ms. */
  heartbeatMs?: number;
  /** How long an engine's beat stands still before its pending flows are taken over; default 5000 ms. */
  staleMs?: number;
  /**
   * How long an invoked flow keeps retrying through database errors and waiting for its log
   * writes, from its start; then it gives up with `DatabaseUnavailableError`. Default 6000 ms.
   */
  flowBudgetMs?: number;
  /** Prefix of the log's collection; default "engine" (`engine.flows`). */
  collectionPrefix?: string;
  /** How transient database errors are retried (actions, where-clauses, log writes); default about 6 s. */
  retryPolicy?: RetryPolicy;
}

/** An operation as `invoke` and `query` accept it: a reference (`Concept.action`) or its names. */
export interface OperationName {
  readonly concept: string;
  readonly name: string;
}

export interface InvokeOptions {
  /** Join this running flow instead of starting one. */
  flow?: string;
  /**
   * The caller's idempotency key (e.g. an HTTP Idempotency-Key with its caller): an invocation
   * repeated with the same key gets the same record id and idempotency keys, so the concepts
   * answer it with the original outcome instead of acting twice.
   */
  key?: string;
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

/** A flow as it ends: every record and failure (`finished` is false when an invocation in it failed). */
export interface EndedFlow {
  readonly flow: string;
  readonly finished: boolean;
  readonly records: readonly ActionRecord[];
  readonly failures: readonly SyncFailure[];
}

export type FlowObserver = (flow: EndedFlow) => void;

export class SyncEngine {
  private readonly bindings = new Bindings();
  private readonly matcher = new Matcher();
  private readonly ids = new IdSource();
  private readonly flows = new Map<string, FlowState>();
  private readonly log: DurableLog | undefined;
  private readonly logger: Logger | undefined;
  private readonly warnings: Logger;
  /**
   * Where-clauses' queries: tried once, since `plan` retries the whole where-clause within its
   * flow's deadline (retrying here as well would nest two retry budgets).
   */
  private readonly runner: QueryRunner = {
    query: (ref, input) => {
      const binding = this.queryBinding(ref);
      return this.read(binding, input, (data) => binding.call(data, { flow: "" }), { retry: false, share: true }) as Promise<unknown[] | ErrorOutput>;
    },
  };
  private readonly EngineFrames: typeof Frames = framesFor(this.runner);
  /** What a template-style sync's where-clause receives (template/frames.ts). */
  private readonly TemplateFrames: typeof Frames = templateFramesFor(this.runner);
  private readonly retryPolicy: RetryPolicy;
  private readonly heartbeats: Heartbeats | undefined;
  private readonly heartbeatMs: number;
  private readonly flowBudgetMs: number;
  private sweeping = false;
  private readonly consequences = new Consequences(this.matcher, (concept) => this.bindings.isEphemeral(concept));
  private sweeper: NodeJS.Timeout | undefined;
  /** Told of each flow as it ends (the dev console's live trace); empty, and one length test, while nobody watches. */
  private readonly flowObservers: FlowObserver[] = [];
  /** Identical reads of one turn share one call (shared-reads.ts): concepts with durable state and declared schemas. */
  private readonly sharedReads = new SharedReads();
  private readonly conceptsSharingReads = new Set<string>();

  constructor(options: EngineOptions = {}) {
    this.logger = engineLogger(options.logLevel ?? "off", options.logger);
    this.warnings = engineWarnings(options.logger);
    this.retryPolicy = options.retryPolicy ?? defaultRetryPolicy;
    this.heartbeatMs = options.heartbeatMs ?? 1000;
    this.flowBudgetMs = options.flowBudgetMs ?? 6000;
    if (options.db !== undefined && options.durable !== false) {
      const prefix = options.collectionPrefix ?? "engine";
      // Readable in the database: which machine and process runs (or ran) a pending flow.
      const id = `${hostname()}/${process.pid}/${randomBytes(4).toString("hex")}`;
      if (options.soleEngine !== true) this.heartbeats = new Heartbeats(options.db, prefix, id, { staleMs: options.staleMs ?? 5000, beatMs: this.heartbeatMs });
      this.log = new DurableLog(options.db, {
        prefix,
        owner: id,
        retentionSeconds: options.retentionSeconds ?? 7 * 24 * 3600,
        leaseSeconds: options.leaseSeconds ?? 30,
        retryPolicy: this.retryPolicy,
        onWriteError: (error) => {
          if (this.logger !== undefined) this.logger.error({ error: messageOf(error) }, "action log write failed");
          else process.emitWarning(`engine action log write failed: ${messageOf(error)}`);
        },
      });
    } else if (options.durable === true) {
      throw new Error("a durable engine needs a db");
    }
  }

  get durable(): boolean {
    return this.log !== undefined;
  }

  registerConcept(conceptClass: ConceptClass, instance: object): void {
    this.bindings.register(conceptClass, instance);
    // A template concept's "query" may act (nothing declares it pure), and an ephemeral one's
    // state is this process's memory, read at no cost: neither is worth sharing.
    if (conceptClass.ephemeral !== true && !hasUncheckedSchemas(conceptClass)) this.conceptsSharingReads.add(conceptClass.conceptName);
    // `await Concept._query(input)` in a where-clause runs as engine.query does (validated,
    // retried); `await Concept.action(input)`, as the template's instrumented actions do, as a flow of its own.
    const concept = conceptClass.conceptName;
    routeDirectCalls(concept, {
      query: (name, input) => this.query({ concept, name }, input),
      act: (name, input) => this.invoke({ concept, name }, input),
      template: hasUncheckedSchemas(conceptClass),
    });
    this.consequences.reset();
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
    this.consequences.reset();
  }

  /**
   * Prepares the durable log (indexes) and finishes the flows a stopped engine left unfinished
   * (every pending one when this is the sole engine); then beats, and every beat looks for work
   * to finish: its own flows given up while the database was away, and flows of engines whose
   * beat stopped.
   */
  async start(): Promise<void> {
    if (this.log === undefined) return;
    await this.log.prepare();
    if (this.heartbeats !== undefined) {
      await retryTransient(() => this.heartbeats!.prepare(), this.retryPolicy);
      await retryTransient(() => this.heartbeats!.beat(), this.retryPolicy);
    }
    await this.resumeUnfinished();
    this.sweeper ??= setInterval(() => void this.sweep(), this.heartbeatMs);
    this.sweeper.unref();
  }

  /** One beat, then the flows to finish; skipped while the previous one still runs. */
  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      await this.heartbeats?.beat();
      await this.resumeUnfinished();
    } catch (error) {
      // The database is away: the next beat tries again.
      this.logger?.warn({ error: messageOf(error) }, "looking for pending work failed");
    } finally {
      this.sweeping = false;
    }
  }

  /**
   * Writes every queued log entry now (for readers of the log, such as the dev console's search
   * by user); gives up after `flowBudgetMs` while the database is away, as a request does.
   */
  async flushLog(): Promise<void> {
    await this.log?.flush(Date.now() + this.flowBudgetMs);
  }

  /**
   * Stops looking for abandoned work and writes every queued log entry (giving up after
   * `flowBudgetMs` while the database is away), then says this engine is gone, so other
   * engines take its pending work over at once.
   */
  async stop(): Promise<void> {
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    this.sweeper = undefined;
    await this.log?.flush(Date.now() + this.flowBudgetMs);
    await this.heartbeats?.retire().catch(() => undefined);
  }

  /**
   * Runs an action as the start of a new flow (or inside `options.flow`), then every sync it
   * triggers, transitively, in that flow; resolves when all of them have run. Rejects when the
   * invoked action itself throws, when the durable log cannot be written, and with
   * `DatabaseUnavailableError` when the database stayed away through every retry (the flow's
   * written-ahead work then stays pending for the recovery pass).
   */
  async invoke(ref: OperationName, input: object, options: InvokeOptions = {}): Promise<InvokeResult> {
    const binding = this.bindings.get(ref.concept, ref.name);
    if (binding.schema.kind !== "action") throw new TypeError(`${ref.concept}.${ref.name} is a query: use engine.query`);
    const flow = this.openFlow(options.flow ?? this.ids.next());
    if (flow.users === 1 && flow.deadline === Number.POSITIVE_INFINITY) flow.deadline = Date.now() + this.flowBudgetMs;
    if (options.key !== undefined) flow.keyed = true;
    const failuresBefore = flow.failures.length;
    let finished = false;
    try {
      // The record id doubles as the idempotency key: a resumed intent runs with it again. A
      // caller's key gives the same id each time, so a retried request's actions (and the
      // then-actions keyed by its record) are answered by the concepts as the first time.
      const id = options.key === undefined ? this.ids.next() : recordIdOf(`invoke|${options.key}`);
      // Written ahead when a lost record would lose work that follows it (see `needsWriteAhead`).
      const writeAhead = !this.bindings.isEphemeral(binding.concept) && this.consequences.consequential(binding.concept, binding.name);
      const record = await this.perform(flow, binding, input, id, undefined, id, writeAhead);
      if (record.thrown !== undefined) throw new Error(`${ref.concept}.${ref.name} threw: ${record.thrown}`);
      if (writeAhead) flow.replayable.add(record.id);
      await this.drive(flow, [{ kind: "sync", matches: this.matcher.matches(flow, record), next: 0 }]);
      finished = true;
      return { output: record.output, flow: flow.id, record: record.id, failures: flow.failures.slice(failuresBefore) };
    } finally {
      this.closeFlow(flow, finished);
    }
  }

  /** Runs a concept query with validated input; answers its rows or `{ error }`. */
  async query(ref: OperationName, input: object): Promise<unknown[] | ErrorOutput> {
    const binding = this.queryBinding(ref);
    return this.read(binding, input, (data) => binding.call(data, { flow: "" }), { retry: !this.bindings.isEphemeral(binding.concept), share: true }) as Promise<unknown[] | ErrorOutput>;
  }

  /**
   * A query's rows in batches, as the concept reads them, for an edge that streams a long
   * answer (`QuerySchema.batched`); one batch of every row when the concept answers it whole.
   * Retried as `query` is until the batches begin; an error while they run ends them.
   */
  async queryBatches(ref: OperationName, input: object): Promise<RowBatches | ErrorOutput> {
    const binding = this.queryBinding(ref);
    const batches = binding.batches;
    if (batches === undefined) {
      const rows = await this.query(ref, input);
      return isErrorOutput(rows) ? rows : [rows];
    }
    return this.read(binding, input, batches, { retry: true, share: false }) as Promise<RowBatches | ErrorOutput>;
  }

  /**
   * Validates a query's input, then reads; a read is safe to repeat, so a transient error is
   * retried (with `retry`), then answered as unavailable. With `share`, identical reads of one
   * turn share one call (shared-reads.ts) when the concept's queries are declared and durable.
   */
  private async read(binding: Binding, input: object, reading: (data: unknown) => Promise<unknown>, { retry, share }: { retry: boolean; share: boolean }): Promise<unknown> {
    const parsed = binding.schema.input.safeParse(input);
    if (!parsed.success) return invalidInput(parsed.error);
    const once = () => reading(parsed.data);
    const run = share && this.conceptsSharingReads.has(binding.concept) ? () => this.shared(binding, parsed.data, once) : once;
    return retry ? retryTransient(run, this.retryPolicy) : run();
  }

  /** A read held for the end of the turn: shared with identical ones, and asked with the others when the query answers many at once. */
  private shared(binding: Binding, input: unknown, once: () => Promise<unknown>): Promise<unknown> {
    const { concept, name, many } = binding;
    const together = many === undefined ? undefined : { operation: `${concept}.${name}`, input, many };
    return this.sharedReads.read(readKey(concept, name, input), once, together);
  }

  private queryBinding(ref: OperationName): Binding {
    const binding = this.bindings.get(ref.concept, ref.name);
    if (binding.schema.kind !== "query") throw new TypeError(`${ref.concept}.${ref.name} is an action: use engine.invoke`);
    return binding;
  }

  /** The literal values when-patterns give to `field` of an action, e.g. every route of a request concept. */
  patternLiterals(ref: OperationName, field: string): unknown[] {
    return literalsOf(this.matcher.syncs, ref.concept, ref.name, field);
  }

  /** The registered syncs' names, in registration order. */
  syncNames(): string[] {
    return this.matcher.syncs.map((sync) => sync.name);
  }

  /** The registered syncs as the matcher holds them (when, where, then), in registration order. */
  syncDeclarations(): readonly CompiledSync[] {
    return this.matcher.syncs;
  }

  /**
   * Tells `observer` of every flow that ends in this engine from now on, with its records and
   * failures; answers the function that stops it. Meant for tools that watch (the dev console);
   * with none, a flow's end costs one length test.
   */
  observeFlows(observer: FlowObserver): () => void {
    this.flowObservers.push(observer);
    return () => {
      const at = this.flowObservers.indexOf(observer);
      if (at >= 0) this.flowObservers.splice(at, 1);
    };
  }

  /**
   * For a record id: the record, the sync that ran it and the records that sync matched.
   * For a flow id: the flow's records as a tree of causes. From memory while the flow runs,
   * from the durable log afterwards; undefined when neither knows the id.
   */
  async provenance(recordOrFlowId: string): Promise<Provenance | undefined> {
    const active = this.flows.get(recordOrFlowId);
    if (active !== undefined) return flowTree(active.id, active.records, active.failures);
    for (const flow of this.flows.values()) {
      const record = flow.records.find((candidate) => candidate.id === recordOrFlowId);
      if (record !== undefined) return recordProvenance(record, flow.records);
    }
    if (this.log === undefined) return undefined;
    await this.flushLog();
    const flow = await this.log.flowRecord(recordOrFlowId);
    if (flow !== undefined) return flowTree(recordOrFlowId, flow.records, flow.failures);
    const found = await this.log.flowOfRecord(recordOrFlowId);
    return found === undefined ? undefined : recordProvenance(found.record, found.records);
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

  /**
   * Forgets a flow when its last invocation ends. A finished flow's record replaces its marker
   * (or is written alone when it changed durable state); an unfinished one's marker stays for
   * the recovery pass.
   */
  private closeFlow(flow: FlowState, finished: boolean): void {
    if (!finished) flow.abandoned = true;
    if (--flow.users > 0) return;
    this.flows.delete(flow.id);
    if (this.flowObservers.length > 0) this.tellObservers(flow);
    if (this.log === undefined) return;
    // Given up before anything written ahead ran, for a client that cannot ask again: the 503
    // it gets means "nothing happened", so the recovery pass must never make it happen.
    if (flow.abandoned && !flow.begun && !flow.keyed) this.log.cancel(flow.id);
    else if (flow.abandoned) this.log.abandon(flow.id);
    else if (this.log.isMarked(flow.id) || this.changedDurableState(flow)) this.log.finish(flow.id, flow.records, flow.failures);
  }

  private tellObservers(flow: FlowState): void {
    const ended: EndedFlow = { flow: flow.id, finished: !flow.abandoned, records: flow.records, failures: flow.failures };
    for (const observer of [...this.flowObservers]) {
      try {
        observer(ended);
      } catch (error) {
        // A watcher's bug must not fail the flow it watches.
        this.logger?.error({ error: messageOf(error) }, "a flow observer threw");
      }
    }
  }

  /** Whether anything in the flow may have changed a durable concept's state (or failed trying). */
  private changedDurableState(flow: FlowState): boolean {
    if (flow.failures.length > 0) return true;
    return flow.records.some((record) => !this.bindings.isEphemeral(record.concept) && (record.thrown !== undefined || !isErrorOutput(record.output)));
  }

  /**
   * Which of the actions a sync planned must be written ahead (as intents on the flow's marker)
   * before any runs; none when recovery could not use them. A plan needs it when a crash in
   * its midst would leave work undone: several actions with durable effects (a restarted
   * engine finishes the rest as planned), or one whose record some sync with durable effects
   * waits for (a lost record would lose that work). It is spared when the sync replans (no
   * where-clause, or one its author declared replayable) and every record it matched can
   * itself be replayed: firing again on resume plans the same actions with the same keys. Any
   * other where-clause, on resume, could see the state the actions changed (a session already
   * ended) and plan something else.
   */
  private intentsFor(flow: FlowState, sync: CompiledSync, planned: readonly PlannedAction[], matched: readonly string[]): PlannedAction[] {
    const durable = planned.filter((action) => !this.bindings.isEphemeral(action.concept));
    if (durable.length === 0) return [];
    const needed = durable.length > 1 || durable.some((action) => this.consequences.consequential(action.concept, action.action));
    if (!needed) return [];
    if (sync.replans && matched.every((id) => flow.replayable.has(id))) return [];
    return durable;
  }

  /**
   * Validates the input, runs the action and records it (an exception becomes `thrown`).
   * With `writeAhead`, the valid input is first made durable as an intent (one barrier).
   * A transient database error is retried with the same idempotency key; if the database
   * stays away, `DatabaseUnavailableError` is thrown and nothing is recorded.
   */
  private async perform(
    flow: FlowState,
    binding: Binding,
    input: object,
    id: string,
    cause: Cause | undefined,
    idempotencyKey: string,
    writeAhead = false,
  ): Promise<ActionRecord> {
    const parsed = binding.schema.input.safeParse(input);
    let output: unknown;
    let thrown: string | undefined;
    let recordedInput = input as Record<string, unknown>;
    if (!parsed.success) {
      output = invalidInput(parsed.error);
      if (cause !== undefined) this.warnInvalidThen(binding, cause, parsed.error.issues[0]);
    } else {
      recordedInput = parsed.data as Record<string, unknown>;
      if (writeAhead && this.log !== undefined) {
        this.log.writeAhead(flow.id, [{ id, flow: flow.id, concept: binding.concept, action: binding.name, input: recordedInput, idempotencyKey }]);
        await this.log.barrier(flow.id, flow.deadline);
        flow.begun = true;
      }
      const context = { flow: flow.id, idempotencyKey };
      try {
        output = await retryTransient(() => binding.call(parsed.data, context), this.retryPolicy, (error, attempt) => this.logRetry(binding, error, attempt), flow.deadline);
      } catch (error) {
        if (isTransientError(error)) throw error;
        thrown = messageOf(error);
      }
    }
    const record: ActionRecord = {
      id,
      flow: flow.id,
      concept: binding.concept,
      action: binding.name,
      input: recordedInput,
      output,
      ...(thrown === undefined ? {} : { thrown }),
      ...(cause === undefined ? {} : { cause }),
      at: new Date(),
    };
    const operation = this.index(flow, record);
    this.logRecord(operation, record);
    return record;
  }

  /** Adds a record to its flow, indexed when some when-pattern watches its operation. */
  private index(flow: FlowState, record: ActionRecord): string {
    const operation = operationKey(record.concept, record.action);
    flow.add(record, operation, this.matcher.watches(operation));
    return operation;
  }

  private logRecord(operation: string, record: ActionRecord): void {
    if (this.logger === undefined) return;
    const line = { flow: record.flow, record: record.id, sync: record.cause?.sync, error: isErrorOutput(record.output) ? record.output.error : undefined };
    if (record.thrown !== undefined) this.logger.error({ ...line, thrown: record.thrown }, `${operation} threw`);
    else if (this.logger.isLevelEnabled("debug")) this.logger.debug({ ...line, input: record.input, output: record.output }, operation);
    else this.logger.info(line, operation);
  }

  /** A sync gave its then-action input the action refuses: a bug in the sync, named with its field. */
  private warnInvalidThen(binding: Binding, cause: Cause, issue: { path: readonly PropertyKey[]; message: string } | undefined): void {
    const field = issue === undefined || issue.path.length === 0 ? undefined : issue.path.map(String).join(".");
    const action = `${binding.concept}.${binding.name}`;
    this.warnings.warn(
      { sync: cause.sync, action, field, problem: issue?.message },
      `sync ${cause.sync} gave ${action} invalid input${field === undefined ? "" : ` at ${field}`}: ${issue?.message ?? "rejected"}`,
    );
  }

  private logRetry(binding: Binding, error: unknown, attempt: number): void {
    const message = `${binding.concept}.${binding.name}: transient database error, retrying (attempt ${attempt})`;
    if (this.logger !== undefined) this.logger.warn({ error: messageOf(error) }, message);
  }

  /**
   * Runs the work of a flow depth-first, as nested calls would (each action's syncs before the
   * next action of the same sync), but from an explicit stack, so a long flow neither deepens
   * the async call chain nor keeps a suspended call per action alive.
   */
  private async drive(flow: FlowState, stack: Work[]): Promise<void> {
    for (let top = stack.at(-1); top !== undefined; top = stack.at(-1)) {
      // Work whose last item is taken leaves the stack at once (a tail call), so a chain of
      // syncs keeps the stack short.
      if (top.kind === "sync") {
        const match = top.matches[top.next++];
        if (top.next >= top.matches.length) stack.pop();
        if (match === undefined) continue;
        const { planned, replayable } = await this.plan(flow, match);
        if (planned.length > 0) stack.push({ kind: "run", actions: planned, next: 0, failedFrame: undefined, replayable });
        continue;
      }
      const action = top.actions[top.next++];
      if (top.next >= top.actions.length) stack.pop();
      if (action === undefined) continue;
      const frame = frameOf(action.key);
      if (frame === top.failedFrame) continue;
      const binding = this.bindings.get(action.concept, action.action);
      const cause = { sync: action.sync, records: action.records, key: action.key, ...(action.reads === undefined ? {} : { reads: action.reads }) };
      const record = await this.perform(flow, binding, action.input, action.id, cause, action.key);
      if (top.replayable) flow.replayable.add(record.id);
      if (record.thrown !== undefined) {
        // The sync's later actions for this frame may depend on this one: skip them.
        top.failedFrame = frame;
        this.fail(flow, action.sync, action.records, `${action.concept}.${action.action} threw: ${record.thrown}`);
        continue;
      }
      const matches = this.matcher.matches(flow, record);
      if (matches.length > 0) stack.push({ kind: "sync", matches, next: 0 });
    }
  }

  /**
   * The then-actions of one match, once per set of matched records: the where-clause's frames
   * times the then-patterns. Those recovery needs (`intentsFor`) are written ahead, as one write
   * shared with concurrent flows, before any of them runs. `replayable`: whether a resumed flow
   * reproduces these actions (written ahead, or planned again from replayable records).
   */
  private async plan(flow: FlowState, match: Match): Promise<{ planned: PlannedAction[]; replayable: boolean }> {
    const { sync } = match;
    const ids = match.records.map((matched) => matched.id);
    const firing = firingKey(sync.name, ids);
    if (flow.fired.has(firing)) return { planned: [], replayable: false };
    flow.fired.add(firing);
    let planned: PlannedAction[];
    try {
      const reads: QueryRead[] = [];
      const where = () => this.frames(sync, match.frame);
      const frames = await retryTransient(() => (sync.callsDirectly ? recordingReads(reads, where) : where()), this.retryPolicy, undefined, flow.deadline);
      planned = this.thenActions(sync, firing, ids, frames, reads);
    } catch (error) {
      if (isTransientError(error)) throw error;
      this.fail(flow, sync.name, ids, error);
      return { planned: [], replayable: false };
    }
    if (this.log === undefined || planned.length === 0) return { planned, replayable: false };
    const intents = this.intentsFor(flow, sync, planned, ids);
    if (intents.length > 0) {
      this.log.writeAhead(flow.id, intents.map((action) => intentOf(flow.id, action)));
      await this.log.barrier(flow.id, flow.deadline);
      flow.begun = true;
      return { planned, replayable: true };
    }
    return { planned, replayable: sync.replans && ids.every((id) => flow.replayable.has(id)) };
  }

  private async frames(sync: CompiledSync, frame: Frame): Promise<readonly Frame[]> {
    const initial = sync.template ? new this.TemplateFrames(frame) : new this.EngineFrames(frame);
    if (sync.where === undefined) return initial;
    const result = await sync.where(initial);
    if (!Array.isArray(result)) throw new TypeError(`where of ${sync.name} must return frames`);
    return result;
  }

  private thenActions(sync: CompiledSync, firing: string, ids: readonly string[], frames: readonly Frame[], reads: readonly QueryRead[] = []): PlannedAction[] {
    const planned: PlannedAction[] = [];
    frames.forEach((frame, frameIndex) => {
      sync.then.forEach((then, position) => {
        this.bindings.get(then.concept, then.action);
        const key = actionKey(firing, frameIndex, position);
        const input = instantiate(then.input, frame, `${sync.name} runs ${then.concept}.${then.action}`);
        planned.push({ key, id: recordIdOf(key), sync: sync.name, records: ids, concept: then.concept, action: then.action, input, ...(reads.length > 0 ? { reads } : {}) });
      });
    });
    return planned;
  }

  private fail(flow: FlowState, sync: string, records: readonly string[], error: unknown): void {
    const failure: SyncFailure = { flow: flow.id, sync, records, error: messageOf(error), at: new Date() };
    flow.failures.push(failure);
    this.logger?.error(failure, `sync ${sync} failed`);
  }

  /**
   * Finishes the flows an engine left unfinished. Their markers hold the intents written ahead:
   * each runs again, in order, with its idempotency key (a concept answers a key it has seen
   * with the original outcome, or is idempotent by natural keys), and everything they trigger
   * is derived again as the first time: syncs without a where-clause plan the same actions with
   * the same keys, and firings whose actions were written ahead are not planned again.
   */
  private async resumeUnfinished(): Promise<void> {
    const log = this.log;
    if (log === undefined) return;
    for (const flowId of await this.claimUnfinished(log)) {
      const flow = this.openFlow(flowId);
      // Its marker is durable and claimed: whatever happens now, it is finished later, never cancelled.
      flow.begun = true;
      let finished = false;
      try {
        const intents = await retryTransient(() => log.flowIntents(flowId), this.retryPolicy);
        for (const intent of intents) {
          flow.replayable.add(intent.id);
          if (intent.cause !== undefined) flow.fired.add(firingKey(intent.cause.sync, intent.cause.records));
        }
        const stack: Work[] = [];
        for (const intent of intents) {
          if (intent.cause === undefined) {
            const record = await this.rerunExternal(flow, intent);
            stack.push({ kind: "sync", matches: this.matcher.matches(flow, record), next: 0 });
            continue;
          }
          // The actions of one firing stay together, so a failed one still skips the rest of its frame.
          const action = plannedOf({ ...intent, cause: intent.cause });
          const last = stack.at(-1);
          if (last?.kind === "run" && last.actions[0] !== undefined && frameOf(last.actions[0].key) === frameOf(action.key)) last.actions.push(action);
          else stack.push({ kind: "run", actions: [action], next: 0, failedFrame: undefined, replayable: true });
        }
        // The stack runs its top first: the intents in the order they were written.
        await this.drive(flow, stack.reverse());
        finished = true;
      } finally {
        this.closeFlow(flow, finished);
      }
      this.logger?.info({ flow: flowId }, "resumed an unfinished flow");
    }
  }

  /**
   * Takes over the pending flows this engine must finish, oldest first: its own (given up
   * while the database was away), those of engines whose beat stopped, and those whose lease
   * ran out (a bound for flows of earlier versions, which name no owner); every one when this
   * is the sole engine (no other can be alive).
   */
  private async claimUnfinished(log: DurableLog): Promise<string[]> {
    const pending = (await log.pendingMarkers()).filter((marker) => !this.flows.has(marker.flow));
    const heartbeats = this.heartbeats;
    const owners = new Set(pending.flatMap((marker) => (marker.owner === undefined ? [] : [marker.owner])));
    const dead = heartbeats === undefined ? new Set<string>() : await heartbeats.dead(owners);
    const now = Date.now();
    const due = (marker: PendingMarker): boolean =>
      heartbeats === undefined ||
      marker.owner === log.owner ||
      (marker.owner !== undefined && dead.has(marker.owner)) ||
      (marker.leaseUntil?.getTime() ?? 0) <= now;
    const claimed: string[] = [];
    for (const marker of pending) if (due(marker) && !this.flows.has(marker.flow) && (await log.claim(marker))) claimed.push(marker.flow);
    return claimed;
  }

  /** Runs again an external invocation whose effect may have happened but whose record was never written. */
  private async rerunExternal(flow: FlowState, intent: Intent): Promise<ActionRecord> {
    const binding = this.bindings.get(intent.concept, intent.action);
    return this.perform(flow, binding, intent.input, intent.id, undefined, intent.idempotencyKey);
  }
}

/** What is left to do in a flow: the syncs one record completes, or the actions one sync planned. */
type Work =
  | { readonly kind: "sync"; readonly matches: readonly Match[]; next: number }
  | { readonly kind: "run"; readonly actions: PlannedAction[]; next: number; failedFrame: string | undefined; readonly replayable: boolean };

function invalidInput(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): ErrorOutput {
  const message = error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message)).join("; ");
  return { error: message, reason: "invalid" };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
