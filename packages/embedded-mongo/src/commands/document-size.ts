/** mongod's limits on a stored document: 16 MiB, and 100 levels of nested objects and arrays. */
import { BSON, type Document } from "bson";
import { MongoServerFailure } from "../errors.ts";
import { MAX_BSON_OBJECT_SIZE } from "./handshake.ts";

/** mongod's depth limit for stored documents: deeper ones would overflow the stack of whatever walks them. */
export const MAX_STORED_DEPTH = 100;

export function checkInsertSize(doc: Document): void {
  checkDepth(doc);
  const size = BSON.calculateObjectSize(doc);
  if (size > MAX_BSON_OBJECT_SIZE) {
    throw new MongoServerFailure(2, "BadValue", `object to insert too large. size in bytes: ${size}, max size: ${MAX_BSON_OBJECT_SIZE}`);
  }
}

export function checkUpdatedSize(doc: Document): void {
  checkDepth(doc);
  if (BSON.calculateObjectSize(doc) > MAX_BSON_OBJECT_SIZE) {
    throw new MongoServerFailure(17419, "Location17419", `Resulting document after update is larger than ${MAX_BSON_OBJECT_SIZE}`);
  }
}

/** Refuses a document nested deeper than mongod stores (code 15 Overflow), walking it without recursion. */
export function checkDepth(doc: Document): void {
  const pending: [unknown, number][] = [[doc, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, depth] = next;
    if (depth > MAX_STORED_DEPTH) {
      throw new MongoServerFailure(15, "Overflow", `Document exceeds maximum nesting depth of ${MAX_STORED_DEPTH}`);
    }
    const children = Array.isArray(value) ? value : isPlainDocument(value) ? Object.values(value) : undefined;
    if (children === undefined) continue;
    for (const child of children) if (typeof child === "object" && child !== null) pending.push([child, depth + 1]);
  }
}

/** A nested document (not a BSON value such as ObjectId, Binary, Date or Decimal128). */
function isPlainDocument(value: unknown): value is Document {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
