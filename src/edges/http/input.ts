/**
 * Reading what a client sent, before anything else sees it: the body must be a JSON object,
 * and no key anywhere may be a MongoDB operator (`$gt`, `$where`) or reach an object's
 * prototype (`__proto__`, `constructor`, `prototype`). Refusing them here means no later
 * code has to wonder whether a value meant as data could act as a query.
 */
import type { Context } from "hono";
import { HttpError } from "./errors.ts";

export type JsonObject = Record<string, unknown>;

const prototypeKeys = new Set(["__proto__", "constructor", "prototype"]);
/** Deeper documents are refused rather than walked, so no body can exhaust the stack. */
const maxDepth = 32;

/** The request's JSON object body; `{}` when there is none. 400 for anything else. */
export async function readJsonBody(c: Context): Promise<JsonObject> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, "malformed JSON body");
  }
  if (!isPlainObject(value)) throw new HttpError(400, "body must be a JSON object");
  refuseUnsafeKeys(value, "body");
  return value;
}

/** The query string, one string per name (the first when a name repeats). */
export function readQuery(c: Context): Record<string, string> {
  const query = c.req.query();
  refuseUnsafeKeys(query, "query");
  return query;
}

/** 400 naming the first key that could act as an operator or touch a prototype. */
export function refuseUnsafeKeys(value: unknown, where: string): void {
  const path = findUnsafeKey(value, where, 0);
  if (path !== undefined) throw new HttpError(400, `${path}: keys starting with "$" and prototype keys are not allowed`);
}

function findUnsafeKey(value: unknown, path: string, depth: number): string | undefined {
  if (depth > maxDepth) throw new HttpError(400, `${path}: nested more than ${maxDepth} levels deep`);
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnsafeKey(item, `${path}.${index}`, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (key.startsWith("$") || prototypeKeys.has(key)) return `${path}.${key}`;
    const found = findUnsafeKey(item, `${path}.${key}`, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
