/** The positional `$`: the index of the first array element that made the query match. */
import { badValue } from "../errors.ts";
import { getPath } from "./path.ts";
import { matches, type Filter } from "./matcher.ts";

/** Index of the first element of the array at `arrayPath` for which `filter` still matches when the array holds only that element. */
export function firstMatchingIndex(doc: Record<string, unknown>, arrayPath: string, filter: Filter): number {
  const array = getPath(doc, arrayPath);
  if (!Array.isArray(array)) throw badValue("The positional operator did not find the match needed from the query.");
  const parts = arrayPath.split(".");
  for (let i = 0; i < array.length; i++) {
    if (matches(withOnly(doc, parts, array[i]), filter)) return i;
  }
  throw badValue("The positional operator did not find the match needed from the query.");
}

/** A shallow copy of `doc` along `parts`, where the array at the end is replaced by `[element]`. */
function withOnly(doc: Record<string, unknown>, parts: string[], element: unknown): Record<string, unknown> {
  const [head, ...rest] = parts;
  const copy = { ...doc };
  copy[head!] = rest.length === 0 ? [element] : withOnly(copy[head!] as Record<string, unknown>, rest, element);
  return copy;
}
