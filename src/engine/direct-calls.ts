/**
 * A reference called as a function, as course code does in a where-clause
 * (`await Sessions._active({ user })`, `await Catalog.suggest({ ... })`). References are plain
 * data shared by every engine, so the call goes to the concept instance registered last under
 * that name (in a server, the only one), through the same input validation as `frames.query`.
 *
 * What the call answers depends on the concept's semantics (engine/template/README.md): a
 * concept without schemas (the template's style) answers whatever its method returned, as the
 * template's instrumented concepts do; a concept with schemas answers its rows, and an
 * `{ error }` throws, so the where-clause fails and says why.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { isErrorOutput, type ErrorOutput } from "./concept.ts";
import type { QueryRead } from "./records.ts";

export interface DirectCallRunner {
  query(name: string, input: object): Promise<unknown[] | ErrorOutput>;
  /** Runs the action as a flow of its own (as the template's instrumented actions do); its output and flow. */
  act(name: string, input: object): Promise<{ output: unknown; flow: string }>;
  /** The concept declares no schemas: its answers are passed on as its methods gave them. */
  readonly template: boolean;
}

const runners = new Map<string, DirectCallRunner>();

/** Sends direct calls of `concept`'s operations to `runner` (the latest registration wins). */
export function routeDirectCalls(concept: string, runner: DirectCallRunner): void {
  runners.set(concept, runner);
}

/**
 * The direct calls made while a where-clause runs, for its then-actions' provenance. Only
 * where-clauses that may call a reference (`compileSync`'s `callsDirectly`) run inside it: on
 * Node 20 an AsyncLocalStorage in use slows every promise of the process a little, so a
 * server whose syncs never call references directly never starts it.
 */
const reads = new AsyncLocalStorage<QueryRead[]>();

/** Runs `where`, collecting into `into` every reference it calls directly. */
export function recordingReads<T>(into: QueryRead[], where: () => Promise<T>): Promise<T> {
  return reads.run(into, where);
}

function runnerOf(concept: string, name: string): DirectCallRunner {
  const runner = runners.get(concept);
  if (runner === undefined) throw new Error(`${concept}.${name} was called before any engine registered ${concept}`);
  return runner;
}

/** Runs `concept.name(input)`: its answer (see above for what that is). */
export async function runDirectQuery(concept: string, name: string, input: object): Promise<unknown> {
  const runner = runnerOf(concept, name);
  const answer = await runner.query(name, input ?? {});
  if (!runner.template && isErrorOutput(answer)) throw new Error(`${concept}.${name}: ${answer.reason === "invalid" ? `invalid input (${answer.error})` : answer.error}`);
  reads.getStore()?.push({ query: `${concept}.${name}`, input, rows: Array.isArray(answer) ? answer.length : 1 });
  return answer;
}

/** Runs the action `concept.name(input)` as a flow of its own; its output (`{ error }` included, as the template answers it). */
export async function runDirectAction(concept: string, name: string, input: object): Promise<unknown> {
  const { output, flow } = await runnerOf(concept, name).act(name, input ?? {});
  reads.getStore()?.push({ query: `${concept}.${name}`, input, rows: 1, flow });
  return output;
}
