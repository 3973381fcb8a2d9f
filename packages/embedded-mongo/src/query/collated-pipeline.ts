/**
 * mingo, which runs the pipeline after its leading stages, knows collation only for `$sort`.
 * Under a non-simple collation, any other stage or expression that compares strings would
 * silently compare them in binary order; such a pipeline is refused instead.
 */
import { badValue } from "../errors.ts";
import { isPlainDocument } from "./bson-types.ts";

const COMPARING = new Set([
  "$match", "$bucket", "$bucketAuto", "$sortByCount", "$lookup", "$graphLookup", "$setWindowFields", "$facet", "$unionWith", "$densify",
  "$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$cmp", "$in", "$indexOfArray", "$max", "$min", "$addToSet", "$sortArray", "$maxN", "$minN",
  "$setEquals", "$setIntersection", "$setUnion", "$setDifference", "$setIsSubset", "$top", "$topN", "$bottom", "$bottomN", "$switch", "$expr",
]);

function comparingOperator(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = comparingOperator(item);
      if (found) return found;
    }
    return undefined;
  }
  if (!isPlainDocument(value)) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if (COMPARING.has(key)) return key;
    // A $group compares its keys only when they come from the documents (`_id: 1` counts all).
    if (key === "$group" && isPlainDocument(inner) && readsFields(inner._id)) return key;
    const found = comparingOperator(inner);
    if (found) return found;
  }
  return undefined;
}

function readsFields(expression: unknown): boolean {
  if (typeof expression === "string") return expression.startsWith("$");
  if (Array.isArray(expression)) return expression.some(readsFields);
  return isPlainDocument(expression) && Object.values(expression).some(readsFields);
}

/** Throws when `stages` (run by mingo) would compare strings under the collation. */
export function refuseCollatedComparisons(stages: unknown[]): void {
  const operator = comparingOperator(stages);
  if (operator) throw badValue(`${operator} after the pipeline's leading $match/$sort/$skip/$limit is not supported with a non-simple collation by this server`);
}
