/** `sort` specifications as comparators, with MongoDB's array rule (ascending sorts by an array's least element, descending by its greatest). */
import { badValue } from "../errors.ts";
import type { Collation } from "./collation.ts";
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

export function compileSort(spec: SortSpec | undefined, collation?: Collation): ((a: Doc, b: Doc) => number) | undefined {
  if (!spec) return undefined;
  const fields = Object.entries(spec)
    .filter(([, direction]) => typeof direction !== "object" || direction === null) // $meta sorts have no effect here
    .map(([path, direction]) => {
      const n = toNumber(direction);
      if (n !== 1 && n !== -1) throw badValue(`$sort key ordering must be 1 (for ascending) or -1 (for descending)`);
      return { path, direction: n as 1 | -1 };
    });
  if (fields.length === 0) return undefined;
  return (a, b) => {
    for (const { path, direction } of fields) {
      const order = compareValues(sortKey(a, path, direction, collation), sortKey(b, path, direction, collation), collation);
      if (order) return order * direction;
    }
    return 0;
  };
}
