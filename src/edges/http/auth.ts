/**
 * Authentication as CONTRACTS.md fixes it: `x-api-key: <API_KEY>` (or the key as a bearer
 * token) makes the caller a trusted service; `Authorization: Bearer <HS256 JWT>` signed with
 * JWT_SECRET, with an `exp` claim, makes it the user named by `sub`. With neither secret configured the server is
 * open (development, loopback only) and every caller is a service.
 */
import { hash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { verify } from "hono/jwt";
import type { Config } from "../config.ts";
import { idMaxLength } from "../../utils/schemas.ts";
import { HttpError } from "./errors.ts";
import { hasLoneSurrogate } from "./input.ts";
import type { HttpEnv, Principal } from "./principal.ts";

export type AuthConfig = Pick<Config, "apiKey" | "jwtSecret">;

/** Sets the request's principal, or answers 401 when credentials are required and missing or wrong. */
export function authenticate(config: AuthConfig): MiddlewareHandler<HttpEnv> {
  // The configured key's digest once, not per request.
  const keys: Keys = { apiKey: config.apiKey === undefined ? undefined : digest(config.apiKey), jwtSecret: config.jwtSecret };
  return async (c, next) => {
    c.set("principal", await identify(keys, c.req.header("x-api-key"), c.req.header("authorization")));
    await next();
  };
}

/** The configured secrets, the API key as its digest. */
interface Keys {
  apiKey: Buffer | undefined;
  jwtSecret: string | undefined;
}

async function identify(keys: Keys, apiKeyHeader: string | undefined, authorization: string | undefined): Promise<Principal> {
  const { apiKey, jwtSecret } = keys;
  if (apiKey === undefined && jwtSecret === undefined) return { kind: "service" };

  if (apiKeyHeader !== undefined) {
    if (apiKey !== undefined && sameSecret(apiKeyHeader, apiKey)) return { kind: "service" };
    throw unauthorized("invalid API key");
  }
  const token = bearerToken(authorization);
  if (token === undefined) throw unauthorized("missing credentials: send x-api-key or Authorization: Bearer <token>");
  if (apiKey !== undefined && sameSecret(token, apiKey)) return { kind: "service" };
  if (jwtSecret === undefined) throw unauthorized("invalid bearer token");
  return { kind: "user", user: await verifiedSubject(token, jwtSecret) };
}

function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  return match?.[1];
}

/**
 * The `sub` of a token signed with HS256 by `secret`, with an expiry not yet past, and a
 * subject that can be stored as it is; 401 otherwise. A token without `exp` would never
 * expire: a leaked one would act for its user for good. A subject with a lone surrogate
 * would be stored as U+FFFD, so `x\uD800`, `x\uDFFF` and `x\uFFFD` would be one user.
 */
async function verifiedSubject(token: string, secret: string): Promise<string> {
  let payload: Record<string, unknown>;
  try {
    payload = await verify(token, secret, "HS256");
  } catch {
    throw unauthorized("invalid or expired bearer token");
  }
  const { sub, exp } = payload;
  if (typeof exp !== "number") throw unauthorized("bearer token has no expiry (exp)");
  if (typeof sub !== "string" || sub === "" || sub.length > idMaxLength) throw unauthorized("bearer token has no subject (sub)");
  if (hasLoneSurrogate(sub)) throw unauthorized("bearer token's subject (sub) is not well-formed text");
  return sub;
}

/** Compares digests in constant time, whatever the lengths, so a key cannot be guessed byte by byte. */
function sameSecret(given: string, expectedDigest: Buffer): boolean {
  return timingSafeEqual(digest(given), expectedDigest);
}

function digest(value: string): Buffer {
  return hash("sha256", value, "buffer");
}

function unauthorized(message: string): HttpError {
  return new HttpError(401, message);
}
