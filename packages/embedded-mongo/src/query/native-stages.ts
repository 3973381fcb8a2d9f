/**
 * The stages after a pipeline's leading ones that run here, on the documents as stored, before
 * the rest goes to mingo (which sees plain JS numbers): a `$group` of field paths and constants,
 * then any `$match`, `$sort`, `$skip` and `$limit` after it. What they produce keeps its BSON
 * types when nothing follows them.
 */
import type { Document } from "bson";
import { groupDocuments } from "./group.ts";
import { compileFilter, type QueryEnv } from "./matcher.ts";
import { toNumber } from "./numeric.ts";
import { compileSort } from "./sort.ts";

export function runNativeStages(docs: Document[], stages: Document[], env: QueryEnv): { docs: Document[]; rest: Document[] } {
  const first = stages[0];
  // Without a collation: mingo refuses collated comparisons here anyway, and group keys compare in binary order.
  if (!first || !("$group" in first) || env.collation) return { docs, rest: stages };
  let out = groupDocuments(docs, first.$group as Document);
  if (!out) return { docs, rest: stages };
  let i = 1;
  for (; i < stages.length; i += 1) {
    const stage = stages[i]!;
    const name = Object.keys(stage)[0];
    if (name === "$match") out = out.filter(compileFilter(stage.$match as Document, env));
    else if (name === "$sort") out = [...out].sort(compileSort(stage.$sort as Document));
    else if (name === "$skip") out = out.slice(toNumber(stage.$skip));
    else if (name === "$limit") out = out.slice(0, toNumber(stage.$limit));
    else break;
  }
  return { docs: out, rest: stages.slice(i) };
}
