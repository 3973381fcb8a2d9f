/** The E11000 duplicate key failure, with mongod's message, `keyPattern` and `keyValue`. */
import { ObjectId, type Document } from "bson";
import { MongoServerFailure } from "../errors.ts";

/** Renders a value the way mongod prints it inside error messages. */
export function shellFormat(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value instanceof ObjectId) return `ObjectId('${value.toHexString()}')`;
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (Array.isArray(value)) return `[ ${value.map(shellFormat).join(", ")} ]`;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value as Document).map(([k, v]) => `${k}: ${shellFormat(v)}`);
    return entries.length ? `{ ${entries.join(", ")} }` : "{}";
  }
  return String(value);
}

export function duplicateKey(ns: string, indexName: string, keyPattern: Document, key: unknown[]): MongoServerFailure {
  const keyValue: Document = {};
  Object.keys(keyPattern).forEach((path, i) => (keyValue[path] = key[i] ?? null));
  return new MongoServerFailure(
    11000,
    "DuplicateKey",
    `E11000 duplicate key error collection: ${ns} index: ${indexName} dup key: ${shellFormat(keyValue)}`,
    { keyPattern, keyValue },
  );
}
