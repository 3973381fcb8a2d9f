/**
 * Picks how to find candidate documents for a filter: by `_id`, through a secondary index on
 * an equality, `$in` or range condition of the filter's top level, or by scanning. Candidates
 * are a superset of the answer; the caller still applies the whole filter.
 */
import type { Document } from "bson";
import { typeRank } from "../query/bson-types.ts";
import { isOperatorDocument } from "../query/matcher.ts";
import { isRegex } from "../query/regex.ts";
import type { RangeBound, SortedIndex } from "./sorted-index.ts";

export type Plan =
  | { kind: "ids"; values: unknown[] }
  | { kind: "index"; index: SortedIndex; values: unknown[] }
  | { kind: "range"; index: SortedIndex; lower?: RangeBound; upper?: RangeBound }
  | { kind: "scan" };

/** A value an index can look up by equality (arrays and regexes match differently). */
function lookupable(value: unknown): boolean {
  return !Array.isArray(value) && !isRegex(value) && !(isOperatorDocument(value));
}

/** Equality values a condition pins the field to, or undefined when it does not. */
function equalities(condition: unknown): unknown[] | undefined {
  if (!isOperatorDocument(condition)) return lookupable(condition) ? [condition] : undefined;
  if ("$eq" in condition && lookupable(condition.$eq)) return [condition.$eq];
  if ("$in" in condition && Array.isArray(condition.$in) && condition.$in.every(lookupable)) return condition.$in;
  return undefined;
}

function bounds(condition: unknown): { lower?: RangeBound; upper?: RangeBound } | undefined {
  if (!isOperatorDocument(condition)) return undefined;
  const lower = "$gte" in condition ? { value: condition.$gte, inclusive: true } : "$gt" in condition ? { value: condition.$gt, inclusive: false } : undefined;
  const upper = "$lte" in condition ? { value: condition.$lte, inclusive: true } : "$lt" in condition ? { value: condition.$lt, inclusive: false } : undefined;
  if (!lower && !upper) return undefined;
  for (const bound of [lower, upper]) {
    const rank = bound && typeRank(bound.value);
    if (rank === 5 || rank === 1 || rank === 127 || (bound && Array.isArray(bound.value))) return undefined; // null, MinKey, MaxKey and arrays cross type brackets
  }
  if (lower && upper && typeRank(lower.value) !== typeRank(upper.value)) return undefined;
  return { ...(lower && { lower }), ...(upper && { upper }) };
}

/** Top-level conditions, including those of a top-level `$and`. */
function conditions(filter: Document): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key === "$and" && Array.isArray(value)) for (const sub of value) out.push(...conditions(sub as Document));
    else if (!key.startsWith("$")) out.push([key, value]);
  }
  return out;
}

/**
 * An index that yields documents already in `sort` order: the sort's fields are the index's
 * leading fields, all ascending or all descending (entries are kept ascending). Sparse and
 * partial indexes leave documents out, so they cannot serve a sort.
 */
export function sortingIndex(sort: Document | undefined, indexes: Iterable<SortedIndex>): { index: SortedIndex; direction: 1 | -1 } | undefined {
  if (!sort) return undefined;
  const fields = Object.entries(sort);
  const direction = fields[0]?.[1];
  if ((direction !== 1 && direction !== -1) || fields.some(([, d]) => d !== direction)) return undefined;
  for (const index of indexes) {
    if (index.sparse || index.partial || index.paths.length < fields.length) continue;
    if (fields.every(([path], i) => index.paths[i] === path)) return { index, direction };
  }
  return undefined;
}

/**
 * An index whose leading fields the filter pins to single values and whose next fields are the
 * sort's, all in one direction: the matching documents come out of it already sorted, so a
 * limit stops the walk (a user's latest session among 100k costs what it does among 10).
 */
export interface PrefixPlan {
  index: SortedIndex;
  /** The values of the index's leading fields the filter pins, in the index's order. */
  prefix: unknown[];
  direction: 1 | -1;
  /** The filter is nothing but the prefix's equalities: nearly every document the walk meets matches. */
  covered: boolean;
  /**
   * Covered, and by equalities to strings on an index no array went into: a document is under
   * the prefix exactly when it matches (a string's key equals only that string's), so the walk's
   * documents need no test. Numbers (1 equals 1.0 and NumberLong 1), null (a missing field)
   * and arrays keep the test.
   */
  exact: boolean;
}

/** A condition that is one string, as a value or as `$eq` alone. */
function stringEquality(condition: unknown): boolean {
  if (typeof condition === "string") return true;
  if (!isOperatorDocument(condition)) return false;
  const keys = Object.keys(condition);
  return keys.length === 1 && keys[0] === "$eq" && typeof condition.$eq === "string";
}

export function prefixSortingIndex(
  filter: Document | undefined,
  sort: Document | undefined,
  indexes: Iterable<SortedIndex>,
): PrefixPlan | undefined {
  if (!filter || !sort) return undefined;
  const fields = Object.entries(sort);
  const direction = fields[0]?.[1];
  if ((direction !== 1 && direction !== -1) || fields.some(([, d]) => d !== direction)) return undefined;
  const pinned = new Map<string, unknown>();
  for (const [path, condition] of conditions(filter)) {
    const values = equalities(condition);
    if (values?.length === 1 && values[0] !== null) pinned.set(path, values[0]);
  }
  let best: PrefixPlan | undefined;
  // Covered: the filter is nothing but the prefix's equalities, so nearly every document the
  // walk meets matches (all but one changed meanwhile).
  const onlyConditions = Object.keys(filter).every((key) => !key.startsWith("$") || key === "$and");
  const paths = conditions(filter).map(([path]) => path);
  for (const index of indexes) {
    if (index.sparse || index.partial) continue;
    let leading = 0;
    while (leading < index.paths.length && pinned.has(index.paths[leading]!)) leading++;
    if (leading === 0 || index.paths.length < leading + fields.length) continue;
    if (!fields.every(([path], i) => index.paths[leading + i] === path)) continue;
    if (best === undefined || leading > best.prefix.length) {
      const prefixPaths = index.paths.slice(0, leading);
      const covered = onlyConditions && paths.length === pinned.size && paths.every((path) => prefixPaths.includes(path));
      const exact = covered && !index.multikey && conditions(filter).every(([, condition]) => stringEquality(condition));
      best = { index, prefix: prefixPaths.map((path) => pinned.get(path)), direction, covered, exact };
    }
  }
  return best;
}

export function planQuery(filter: Document | undefined, indexes: Iterable<SortedIndex>): Plan {
  if (!filter) return { kind: "scan" };
  const pairs = conditions(filter);
  const byId = pairs.find(([key]) => key === "_id");
  const idValues = byId && equalities(byId[1]);
  if (idValues) return { kind: "ids", values: idValues };
  const usable = [...indexes].filter((index) => !index.partial);
  let best: Plan = { kind: "scan" };
  for (const [path, condition] of pairs) {
    for (const index of usable) {
      if (index.paths[0] !== path) continue;
      const values = equalities(condition);
      if (values && !(index.sparse && values.some((v) => v === null))) {
        if (best.kind !== "index" || (index.unique && values.length === 1)) best = { kind: "index", index, values };
        continue;
      }
      const range = bounds(condition);
      if (range && best.kind === "scan") best = { kind: "range", index, ...range };
    }
  }
  return best;
}
