/**
 * What makes a retry "the same request": its method, path, query and body, in a canonical
 * form (object keys sorted, query parameters sorted), hashed. A client that sends the same
 * JSON with its keys in another order is retrying; one that changes a value is not.
 */
import type { Context } from "hono";
import type { JsonObject } from "../input.ts";
import { digest } from "./key.ts";

/** Canonical JSON is written only to this depth; deeper bodies (refused by the route) count by their text. */
const maxDepth = 32;

/** The body as a JSON object when it is one; the route itself refuses anything else. */
export function parsedObject(text: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

export function fingerprintOf(c: Context, text: string, body: JsonObject | undefined): string {
  const query = new URLSearchParams(new URL(c.req.url).search);
  query.sort();
  const canonicalBody = (body === undefined ? undefined : canonicalJson(body, 0)) ?? text;
  return digest(JSON.stringify([c.req.method, c.req.path, query.toString(), canonicalBody]));
}

/** JSON with every object's keys sorted; undefined when nested deeper than `maxDepth`. */
function canonicalJson(value: unknown, depth: number): string | undefined {
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  if (depth > maxDepth) return undefined;
  const parts: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      const part = canonicalJson(item, depth + 1);
      if (part === undefined) return undefined;
      parts.push(part);
    }
    return `[${parts.join(",")}]`;
  }
  for (const key of Object.keys(value).sort()) {
    const part = canonicalJson((value as JsonObject)[key], depth + 1);
    if (part === undefined) return undefined;
    parts.push(`${JSON.stringify(key)}:${part}`);
  }
  return `{${parts.join(",")}}`;
}
