/** Copies the mutable parts of a document (arrays and sub-documents); BSON values are immutable and shared. */
import { isPlainDocument } from "./bson-types.ts";

export function cloneValue<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneValue) as T;
  if (isPlainDocument(value)) {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) copy[key] = cloneValue(value[key]);
    return copy as T;
  }
  return value;
}
