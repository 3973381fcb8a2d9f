/** The keys a document contributes to a secondary index (one per array element: multikey). */
import type { Document } from "bson";
import { MISSING, resolvePath } from "../query/path.ts";

export type IndexKey = unknown[];

/** Field values at `path` as an index sees them: arrays contribute their elements, absence is null. */
function fieldValues(doc: Document, path: string): { values: unknown[]; present: boolean } {
  const values: unknown[] = [];
  let present = false;
  for (const leaf of resolvePath(doc, path)) {
    if (leaf === MISSING) {
      values.push(null);
      continue;
    }
    present = true;
    if (Array.isArray(leaf)) {
      if (leaf.length === 0) values.push(undefined);
      else values.push(...leaf);
    } else {
      values.push(leaf);
    }
  }
  return { values: values.length ? values : [null], present };
}

/** The one key of a document whose indexed fields are top-level and hold no arrays (the common case), if so. */
function flatKey(doc: Document, paths: string[], sparse: boolean): IndexKey[] | undefined | "general" {
  const key: unknown[] = [];
  let anyPresent = false;
  for (const path of paths) {
    if (path.includes(".")) return "general";
    const value: unknown = doc[path];
    if (Array.isArray(value)) return "general";
    anyPresent ||= value !== undefined;
    key.push(value === undefined ? null : value);
  }
  return sparse && !anyPresent ? undefined : [key];
}

/** Every key tuple of `doc` for the index fields; `undefined` when a sparse index skips it. */
export function indexKeys(doc: Document, paths: string[], sparse: boolean): IndexKey[] | undefined {
  const flat = flatKey(doc, paths, sparse);
  if (flat !== "general") return flat;
  let tuples: IndexKey[] = [[]];
  let anyPresent = false;
  for (const path of paths) {
    const { values, present } = fieldValues(doc, path);
    anyPresent ||= present;
    const unique = dedupe(values);
    tuples = tuples.flatMap((tuple) => unique.map((value) => [...tuple, value]));
  }
  if (sparse && !anyPresent) return undefined;
  return tuples;
}

function dedupe(values: unknown[]): unknown[] {
  if (values.length < 2) return values;
  const seen = new Set<unknown>();
  return values.filter((value) => {
    const identity = typeof value === "object" && value !== null ? value : `${typeof value}:${String(value)}`;
    if (seen.has(identity)) return false;
    seen.add(identity);
    return true;
  });
}
