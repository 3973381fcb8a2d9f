/**
 * A query reference called as a function, as course code does in a where-clause
 * (`await Sessions._active({ user })`). References are plain data shared by every engine, so
 * the call goes to the concept instance registered last under that name (in a server, the
 * only one), through the same input validation as `frames.query`.
 */
import { isErrorOutput, type ErrorOutput } from "./concept.ts";

export type DirectQueryRunner = (name: string, input: object) => Promise<unknown[] | ErrorOutput>;

const runners = new Map<string, DirectQueryRunner>();

/** Sends direct calls of `concept`'s queries to `runner` (the latest registration wins). */
export function routeDirectQueries(concept: string, runner: DirectQueryRunner): void {
  runners.set(concept, runner);
}

/** Runs `concept.name(input)`; its rows, or an exception for `{ error }` (the where-clause then fails, and says why). */
export async function runDirectQuery(concept: string, name: string, input: object): Promise<unknown[]> {
  const runner = runners.get(concept);
  if (runner === undefined) throw new Error(`${concept}.${name} was called before any engine registered ${concept}`);
  const rows = await runner(name, input ?? {});
  if (isErrorOutput(rows)) throw new Error(`${concept}.${name}: ${rows.error}`);
  return rows;
}
