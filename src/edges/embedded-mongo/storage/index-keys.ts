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

/** Every key tuple of `doc` for the index fields; `undefined` when a sparse index skips it. */
export function indexKeys(doc: Document, paths: string[], sparse: boolean): IndexKey[] | undefined {
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
