/** `sort` specifications as comparators, with MongoDB's array rule (ascending sorts by an array's least element, descending by its greatest). */
import { badValue } from "../errors.ts";
import type { Collation } from "./collation.ts";
import { isPlainDocument } from "./bson-types.ts";
import { compareValues } from "./compare.ts";
import { toNumber } from "./numeric.ts";
import { MISSING, resolvePath } from "./path.ts";

export type SortSpec = Record<string, unknown>;
type Doc = Record<string, unknown>;

function sortKey(doc: Doc, path: string, direction: 1 | -1, collation: Collation | undefined): unknown {
  const values: unknown[] = [];
  for (const leaf of resolvePath(doc, path)) {
    if (Array.isArray(leaf)) {
      if (leaf.length === 0) values.push(undefined);
      else values.push(...leaf);
    } else {
      values.push(leaf === MISSING ? null : leaf);
    }
  }
  let best = values[0];
  for (const value of values.slice(1)) {
    if (compareValues(value, best, collation) * direction < 0) best = value;
  }
  return best === undefined ? null : best;
}

const isTextScore = (direction: unknown): boolean => isPlainDocument(direction) && direction.$meta === "textScore";

/**
 * A sort as a comparator. `{ $meta: "textScore" }` sorts by `textScore` (highest first) when a
 * `$text` query gives one; other `$meta` sorts have no effect here.
 */
export function compileSort(spec: SortSpec | undefined, collation?: Collation, textScore?: (doc: Doc) => number): ((a: Doc, b: Doc) => number) | undefined {
  if (!spec) return undefined;
  const fields = Object.entries(spec)
    .filter(([, direction]) => typeof direction !== "object" || direction === null || (textScore && isTextScore(direction)))
    .map(([path, direction]) => {
      if (isTextScore(direction)) return { path, direction: -1 as const, score: textScore };
      const n = toNumber(direction);
      if (n !== 1 && n !== -1) throw badValue(`$sort key ordering must be 1 (for ascending) or -1 (for descending)`);
      return { path, direction: n as 1 | -1, score: undefined };
    });
  if (fields.length === 0) return undefined;
  return (a, b) => {
    for (const { path, direction, score } of fields) {
      const order = score ? score(a) - score(b) : compareValues(sortKey(a, path, direction, collation), sortKey(b, path, direction, collation), collation);
      if (order) return order * direction;
    }
    return 0;
  };
}
