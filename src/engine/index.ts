/**
 * The synchronization engine: generic, it knows no focus sessions.
 *
 * Public API (see README.md in this folder for a guide to writing syncs):
 *
 * - Concepts (`concept.ts`): `action({ input, output })` / `query({ input, output })` zod
 *   schemas, `ConceptClass` (static `conceptName`, `schemas`), `ConceptImplementation`.
 * - References (`refs.ts`): `export const Counter = conceptRef(CounterConcept)`; syncs write
 *   `Counter.increment`, `Counter._get`.
 * - Syncs: `export const Name: Sync = ({ a, b }) => ({ when, where?, then })`, or
 *   `Sync<{ a: string; b: number }>` for typed variables (`Var<string>`, `Var<number>`).
 *   `when: actions([Ref.action, inputPattern, outputPattern?], ...)` (all in one flow; an
 *   output pattern naming `error` matches error outputs, any other matches successes only);
 *   `then: actions([Ref.action, input], ...)`; `where: async (frames) => frames` with
 *   `frames.query(Ref._q, input, output)`, `queryOrDefault`, `notExists`, `queryAll`,
 *   `bind(variable, fn)`, `filter(fn)`, `collectAs([...vars], as)`, and `valueOf(frame, var)`.
 * - `SyncEngine`: `new SyncEngine({ db?, durable?, logLevel?, logger?, retentionSeconds?,
 *   leaseSeconds?, collectionPrefix? })`, `registerConcept(Class, instance)` /
 *   `register(instances)`, `registerSyncs(record)`, `start()` (indexes; finishes flows a
 *   stopped engine left unfinished, then re-checks every lease period),
 *   `invoke(ref, input, { flow? })` → `{ output, flow, record, failures }` once every sync the
 *   action triggered has run, `query(ref, input)` → rows or `{ error }`,
 *   `queryBatches(ref, input)` → the same rows in batches as read (a `query({ batched: true })`
 *   whose class has `<query>Batches`; one batch otherwise), for edges that stream,
 *   `patternLiterals(ref, field)`, `provenance(recordOrFlowId)`, `stop()` (flushes the log),
 *   `syncDeclarations()`, `observeFlows(observer)` → stop function (told of each flow as it
 *   ends; for tools such as the dev console).
 *   Durable log: `engine.flows`, one document per flow: its marker (intents written ahead,
 *   a lease) while it runs, its record (actions, causes, failures) once finished.
 * - Discovery: `discoverConcepts(dir = "src/concepts")`, `discoverSyncs(dir = "src/syncs")`.
 *
 * Action methods receive a second argument, `{ flow, idempotencyKey? }` (`ActionContext`):
 * the key is stable across a crash and a resume (an action whose record was lost runs again
 * with it), so a concept answers a repeated key with its original outcome.
 */
export * from "./concept.ts";
export * from "./refs.ts";
export { actions } from "./patterns.ts";
export type { ActionList, ActionPattern, Field, OutputPattern, Pattern } from "./patterns.ts";
export { Frames, MissingBindingError, valueOf } from "./frames.ts";
export type { Frame, RowPattern } from "./frames.ts";
export { variable } from "./vars.ts";
export type { TypedVars, UntypedVars, Var, Vars } from "./vars.ts";
export type { Sync, SyncDeclaration } from "./sync.ts";
export { SyncEngine } from "./engine.ts";
export type { EndedFlow, EngineOptions, FlowObserver, InvokeOptions, InvokeResult, OperationName } from "./engine.ts";
export type { ActionContext } from "./bindings.ts";
export type { ActionRecord, Cause, SyncFailure } from "./records.ts";
export type { FlowProvenance, Provenance, ProvenanceNode, RecordProvenance } from "./provenance.ts";
export type { LogLevel } from "./logging.ts";
export { discoverConcepts, discoverSyncSources, discoverSyncs } from "./discover.ts";
export type { SyncSource } from "./discover.ts";
export { DatabaseUnavailableError, isTransientError, retryTransient } from "./transient.ts";
export type { RetryPolicy } from "./transient.ts";
