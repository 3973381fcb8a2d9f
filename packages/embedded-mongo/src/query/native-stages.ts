/**
 * The stages after a pipeline's leading ones that run here, on the documents as stored, before
 * the rest goes to mingo (which sees plain JS numbers): `$group`, `$addFields`/`$set` of the
 * expressions expressions.ts evaluates, `$unset`, `$match`, `$sort`, `$skip` and `$limit`, up
 * to the first stage that needs mingo. What they compute keeps its BSON types when nothing
 * after them goes to mingo.
 */
import type { Document } from "bson";
import { compileExpression, type Evaluate } from "./expressions.ts";
import { compileGroup } from "./group.ts";
import { compileFilter, type QueryEnv } from "./matcher.ts";
import { toNumber } from "./numeric.ts";
import { compileSort } from "./sort.ts";

type Stage = (docs: Document[]) => Document[];

function addFields(spec: unknown): Stage | undefined {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) return undefined;
  const fields: [string, Evaluate][] = [];
  for (const [name, expression] of Object.entries(spec)) {
    const evaluate = name.includes(".") || name.startsWith("$") ? undefined : compileExpression(expression);
    if (!evaluate) return undefined;
    fields.push([name, evaluate]);
  }
  return (docs) =>
    docs.map((doc) => {
      const out: Document = { ...doc };
      for (const [name, evaluate] of fields) {
        const value = evaluate(doc);
        if (value === undefined) delete out[name];
        else out[name] = value;
      }
      return out;
    });
}

function unset(spec: unknown): Stage | undefined {
  const names = typeof spec === "string" ? [spec] : Array.isArray(spec) ? spec : undefined;
  if (!names || names.some((name) => typeof name !== "string" || name.includes("."))) return undefined;
  return (docs) =>
    docs.map((doc) => {
      const out: Document = { ...doc };
      for (const name of names as string[]) delete out[name];
      return out;
    });
}

/** One stage as run here, or undefined when it is mingo's. */
function nativeStage(stage: Document, env: QueryEnv): Stage | undefined {
  const [name, spec] = Object.entries(stage)[0] ?? [];
  switch (name) {
    case "$group":
      // Group keys compare in binary order here; under a collation mingo refuses it anyway.
      return env.collation || spec === null || typeof spec !== "object" ? undefined : compileGroup(spec as Document);
    case "$addFields":
    case "$set":
      return addFields(spec);
    case "$unset":
      return unset(spec);
    case "$match": {
      const predicate = compileFilter(spec as Document, env);
      return (docs) => docs.filter(predicate);
    }
    case "$sort": {
      const compare = compileSort(spec as Document, env.collation);
      return compare ? (docs) => [...docs].sort(compare) : undefined;
    }
    case "$skip":
      return (docs) => docs.slice(toNumber(spec));
    case "$limit":
      return (docs) => docs.slice(0, toNumber(spec));
    default:
      return undefined;
  }
}

export function runNativeStages(docs: Document[], stages: Document[], env: QueryEnv): { docs: Document[]; rest: Document[] } {
  let out = docs;
  let i = 0;
  for (; i < stages.length; i += 1) {
    const run = nativeStage(stages[i]!, env);
    if (!run) break;
    out = run(out);
  }
  return { docs: out, rest: stages.slice(i) };
}
