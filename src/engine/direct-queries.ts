/**
 * A query reference called as a function, as course code does in a where-clause
 * (`await Sessions._active({ user })`). References are plain data shared by every engine, so
 * the call goes to the concept instance registered last under that name (in a server, the
 * only one), through the same input validation as `frames.query`.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { isErrorOutput, type ErrorOutput } from "./concept.ts";
import type { QueryRead } from "./records.ts";

export type DirectQueryRunner = (name: string, input: object) => Promise<unknown[] | ErrorOutput>;

const runners = new Map<string, DirectQueryRunner>();

/** Sends direct calls of `concept`'s queries to `runner` (the latest registration wins). */
export function routeDirectQueries(concept: string, runner: DirectQueryRunner): void {
  runners.set(concept, runner);
}

/**
 * The direct calls made while a where-clause runs, for its then-actions' provenance. Only
 * where-clauses whose source calls a query (`compileSync`'s `callsQueries`) run inside it: on
 * Node 20 an AsyncLocalStorage in use slows every promise of the process a little, so a
 * server whose syncs never call queries directly never starts it.
 */
const reads = new AsyncLocalStorage<QueryRead[]>();

/** Runs `where`, collecting into `into` every query it calls directly. */
export function recordingReads<T>(into: QueryRead[], where: () => Promise<T>): Promise<T> {
  return reads.run(into, where);
}

/** Runs `concept.name(input)`; its rows, or an exception for `{ error }` (the where-clause then fails, and says why). */
export async function runDirectQuery(concept: string, name: string, input: object): Promise<unknown[]> {
  const runner = runners.get(concept);
  if (runner === undefined) throw new Error(`${concept}.${name} was called before any engine registered ${concept}`);
  const rows = await runner(name, input ?? {});
  if (isErrorOutput(rows)) throw new Error(`${concept}.${name}: ${rows.reason === "invalid" ? `invalid input (${rows.error})` : rows.error}`);
  reads.getStore()?.push({ query: `${concept}.${name}`, input, rows: rows.length });
  return rows;
}
