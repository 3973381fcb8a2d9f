/**
 * What an `Idempotency-Key` names. A key belongs to its caller, as a Stripe key belongs to
 * the account that sent it: the caller is the token's user, or, with the service key, the
 * service together with the user the request names (the `x-user-id` header, else the body's,
 * else the query's `user`/`userId`/`user_id`); a service request that names nobody is the
 * service's own. The same key from two callers names two unrelated requests.
 */
import { hash } from "node:crypto";
import type { Context } from "hono";
import { HttpError } from "../errors.ts";
import { userFields } from "../identity.ts";
import type { JsonObject } from "../input.ts";
import type { HttpEnv, Principal } from "../principal.ts";

export const idempotencyHeader = "Idempotency-Key";

const maxKeyLength = 255;
const printableAscii = /^[\x20-\x7e]+$/;

/** The key as sent, when it is 1 to 255 printable ASCII characters; 400 otherwise. */
export function checkedKey(value: string): string {
  if (value.length === 0 || value.length > maxKeyLength || !printableAscii.test(value)) {
    throw new HttpError(400, `${idempotencyHeader}: must be 1 to ${maxKeyLength} printable ASCII characters`);
  }
  return value;
}

/** Whose key it is: a user proven by a token, or the service acting for the user it names (if any). */
export interface Caller {
  readonly kind: Principal["kind"];
  readonly user: string | null;
}

export function callerOf(c: Context<HttpEnv>, body: JsonObject | undefined): Caller {
  const principal = c.get("principal");
  if (principal.kind === "user") return { kind: "user", user: principal.user };
  return { kind: "service", user: namedUser(c, body) ?? null };
}

function namedUser(c: Context<HttpEnv>, body: JsonObject | undefined): string | undefined {
  const header = c.req.header("x-user-id");
  if (header !== undefined) return header;
  for (const source of [body ?? {}, c.req.query()]) {
    for (const field of userFields) {
      const named = source[field];
      if (typeof named === "string") return named;
    }
  }
  return undefined;
}

/** The stored entry's id: a digest of caller and key, so callers never collide and no key is kept as sent. */
export function entryIdOf(caller: Caller, key: string): string {
  return digest(JSON.stringify([caller.kind, caller.user, key]));
}

/**
 * The engine's idempotency key for a request: its entry and its fingerprint. A retry of the
 * request gets the same engine key, so the concepts answer it with the first outcome; a key
 * reused for another request after its entry expired gets another, and acts anew.
 */
export function engineKeyOf(entryId: string, fingerprint: string): string {
  return digest(`${entryId}|${fingerprint}`);
}

export function digest(text: string): string {
  return hash("sha256", text, "base64url");
}
