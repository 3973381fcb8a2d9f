/**
 * The leading `$match`, `$sort`, `$skip` and `$limit` stages of a pipeline, which we run
 * ourselves (indexes, BSON order, numeric types kept) before handing the rest to mingo.
 */
import type { Document } from "bson";
import { toNumber } from "../query/numeric.ts";
import type { Selection } from "./select.ts";

export interface SplitPipeline {
  selection: Selection;
  rest: Document[];
}

function stageName(stage: Document): string {
  return Object.keys(stage)[0] ?? "";
}

/** Splits off the stages `matchingDocuments` can answer, in an order where doing so is exact. */
export function splitPipeline(pipeline: Document[]): SplitPipeline {
  const filters: Document[] = [];
  const selection: Selection = {};
  let i = 0;
  while (i < pipeline.length && stageName(pipeline[i]!) === "$match") filters.push(pipeline[i++]!.$match as Document);
  if (i < pipeline.length && stageName(pipeline[i]!) === "$sort") selection.sort = pipeline[i++]!.$sort as Document;
  if (i < pipeline.length && stageName(pipeline[i]!) === "$skip") selection.skip = toNumber(pipeline[i++]!.$skip);
  if (i < pipeline.length && stageName(pipeline[i]!) === "$limit") selection.limit = toNumber(pipeline[i++]!.$limit);
  if (filters.length) selection.filter = filters.length === 1 ? filters[0]! : { $and: filters };
  return { selection, rest: pipeline.slice(i) };
}
