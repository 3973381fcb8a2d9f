/** Reading dotted paths the way MongoDB queries do: arrays along the way fan out. */
import { isPlainDocument } from "./bson-types.ts";

/** Marks a path that leads nowhere (distinct from an explicit null). */
export const MISSING: unique symbol = Symbol("missing");
export type Leaf = unknown;

const isIndex = (segment: string): boolean => /^\d+$/.test(segment);

/**
 * Every value the path reaches in `doc`. An array met before the last segment is descended
 * element by element (and indexed, if the segment is a number); a path that ends nowhere
 * yields MISSING. Arrays reached at the end are returned as is: callers decide whether to
 * look inside.
 */
export function resolvePath(doc: unknown, path: string): Leaf[] {
  const out: Leaf[] = [];
  walk(doc, path.split("."), 0, out);
  return out;
}

function walk(value: unknown, parts: string[], i: number, out: Leaf[]): void {
  if (i === parts.length) {
    out.push(value);
    return;
  }
  const segment = parts[i]!;
  if (Array.isArray(value)) {
    if (isIndex(segment)) {
      const index = Number(segment);
      if (index < value.length) walk(value[index], parts, i + 1, out);
      else out.push(MISSING);
    }
    for (const element of value) {
      if (isPlainDocument(element)) walk(element, parts, i, out);
      else if (!isIndex(segment)) out.push(MISSING);
    }
    if (value.length === 0) out.push(MISSING);
    return;
  }
  if (isPlainDocument(value) && Object.prototype.hasOwnProperty.call(value, segment)) {
    walk(value[segment], parts, i + 1, out);
    return;
  }
  out.push(MISSING);
}

/** The single value at a path without array fan-out (for sort keys on documents and updates). */
export function getPath(doc: unknown, path: string): unknown {
  let value: unknown = doc;
  for (const segment of path.split(".")) {
    if (Array.isArray(value) && isIndex(segment)) value = value[Number(segment)];
    else if (isPlainDocument(value)) value = value[segment];
    else return undefined;
    if (value === undefined) return undefined;
  }
  return value;
}
