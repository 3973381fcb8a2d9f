/**
 * Reading what a client sent, before anything else sees it: the body must be a JSON object,
 * and no key anywhere may be a MongoDB operator (`$gt`, `$where`) or reach an object's
 * prototype (`__proto__`, `constructor`, `prototype`). Refusing them here means no later
 * code has to wonder whether a value meant as data could act as a query.
 *
 * And what a client sent must be storable as it is, because the engine's durable log stores
 * it, in a write it may share with other users' requests: a key with a NUL byte cannot be
 * BSON at all (the whole batched write would fail, for everyone in it), a lone UTF-16
 * surrogate would be stored as U+FFFD (two different values reading back as one), and a `.`
 * in a key is refused in updates by the MongoDB servers the driver still supports (before
 * 5.0) and reads as a path in queries. All of these are a 400 here, before anything is written.
 */
import type { Context } from "hono";
import { cut, quoted } from "../../utils/quote.ts";
import { HttpError } from "./errors.ts";

export type JsonObject = Record<string, unknown>;

const prototypeKeys = new Set(["__proto__", "constructor", "prototype"]);
/** Deeper documents are refused rather than walked, so no body can exhaust the stack. */
const maxDepth = 32;
/** A UTF-16 surrogate not part of a pair (a code point, in `u` mode, only when it stands alone). */
const loneSurrogate = /\p{Cs}/u;

/** Whether `text` holds a UTF-16 surrogate not part of a pair: stored, it would read back as U+FFFD. */
export function hasLoneSurrogate(text: string): boolean {
  return loneSurrogate.test(text);
}

/** The request's JSON object body; `{}` when there is none. 400 for anything else. */
export async function readJsonBody(c: Context): Promise<JsonObject> {
  // A GET has no body to read (HTTP gives it no meaning); not asking for one spares building
  // the fetch Request and its stream (seed 004 summary at 50 connections: 4.2k -> 4.9k req/s).
  if (c.req.method === "GET" || c.req.method === "HEAD") return {};
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

/**
 * 400 naming the first key that could act as an operator or touch a prototype, or the first
 * key or string that could not be stored as it is. Its path quotes every key cut short (see
 * utils/quote.ts), and at most its last `maxPathShown` characters: a refusal stays small
 * whatever the keys' size and depth.
 */
export function refuseUnsafeKeys(value: unknown, where: string): void {
  const problem = findProblem(value, where, 0);
  if (problem !== undefined) throw new HttpError(400, problem);
}

const maxPathShown = 300;

function shownPath(path: string): string {
  return path.length <= maxPathShown ? path : `…${path.slice(path.length - maxPathShown)}`;
}

function findProblem(value: unknown, path: string, depth: number): string | undefined {
  if (depth > maxDepth) throw new HttpError(400, `${shownPath(path)}: nested more than ${maxDepth} levels deep`);
  if (typeof value === "string") return hasLoneSurrogate(value) ? `${shownPath(path)}: text with a lone UTF-16 surrogate cannot be stored` : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findProblem(item, `${path}.${index}`, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const problem = keyProblem(key);
    if (problem !== undefined) return `${shownPath(path)}.${problem}`;
    const found = findProblem(item, `${path}.${cut(key)}`, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** What is wrong with a key, starting with the key itself (cut short) as the message shows it. */
function keyProblem(key: string): string | undefined {
  if (key.startsWith("$") || prototypeKeys.has(key)) return `${cut(key)}: keys starting with "$" and prototype keys are not allowed`;
  // The key is shown as a JSON string: it may hold exactly the characters being refused.
  if (key.includes("\u0000")) return `${quoted(key)}: keys with a NUL byte cannot be stored`;
  if (hasLoneSurrogate(key)) return `${quoted(key)}: keys with a lone UTF-16 surrogate cannot be stored`;
  if (key.includes(".")) return `${quoted(key)}: keys containing "." are not allowed`;
  return undefined;
}

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
