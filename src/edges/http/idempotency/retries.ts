/**
 * `Idempotency-Key` on mutating routes, as payment APIs do it: the first request with a key
 * runs and its answer (2xx or 4xx) is kept; a retry with the same key by the same caller
 * answers that status and body again (`Idempotent-Replayed: true`) without running anything;
 * the key with another request answers 422; a retry while the first still runs waits for it
 * (up to `waitMs`) or answers 409. A 5xx is not an outcome: the next retry runs again.
 *
 * Only the answer of a request that ran is kept, as Stripe keeps none for a request refused
 * by validation. A request runs when its route hands it to the engine (`invokeOptions`):
 * from then on its answer, success or a concept's or sync's refusal, is its outcome, and a
 * retry must get that outcome rather than act again. Anything answered before that (the
 * body is not a JSON object, a key is unsafe, the input fails its schema or a dialect's
 * declared shape, another user's data: the 400, 403 and 415 of the edge) changed nothing
 * and is forgotten: a retry is judged anew, and what a refused client sent is never stored.
 * (401, 413 and an unknown route's 404 are answered before this middleware is reached.)
 *
 * Every attempt of one request runs the engine with the same idempotency key, so when a
 * retry runs it again (after a 5xx, or after the process died and the lease ran out) the
 * concepts answer with what the first attempt did instead of acting twice.
 *
 * A request without the header costs one header lookup: no database command.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Context, MiddlewareHandler, Next } from "hono";
import type { ContentfulStatusCode, StatusCode } from "hono/utils/http-status";
import type { Db } from "mongodb";
import type { Logger } from "pino";
import type { HttpEngine } from "../engine-port.ts";
import type { HttpEnv } from "../principal.ts";
import { flowHeader } from "../provenance-route.ts";
import { fingerprintOf, parsedObject } from "./fingerprint.ts";
import { callerOf, checkedKey, engineKeyOf, entryIdOf, idempotencyHeader } from "./key.ts";
import { IdempotencyStore, type IdempotencyEntry, type StoredAnswer } from "./store.ts";

export const replayedHeader = "Idempotent-Replayed";

export interface RetryOptions {
  /**
   * How long a running request's claim holds: a retry after that takes it over and runs the
   * request again (with the same engine key). Longer than any request should take; default 10 s.
   */
  leaseMs: number;
  /** How long a retry waits for the first request still running before answering 409; default 5 s. */
  waitMs: number;
}

const defaults: RetryOptions = { leaseMs: 10_000, waitMs: 5_000 };
const firstPollMs = 20;
const longestPollMs = 250;

type InvokeOptions = NonNullable<Parameters<HttpEngine["invoke"]>[2]>;

/**
 * The engine options for this request: its idempotency key when it came with one. Called as
 * the route hands the request to the engine, so it also marks the request as run: its answer
 * is now an outcome worth keeping.
 */
export function invokeOptions(c: Context<HttpEnv>): InvokeOptions {
  c.set("ran", true);
  const key = c.get("engineKey");
  return key === undefined ? {} : { key };
}

/** The middleware for every mutating route; one per app, shared by its routes. */
export function idempotentRetries({ db, logger, options = {} }: { db: Db; logger: Logger; options?: Partial<RetryOptions> }): MiddlewareHandler<HttpEnv> {
  const { leaseMs, waitMs } = { ...defaults, ...options };
  const store = new IdempotencyStore(db);
  // The keyed requests this process is running, so a duplicate here wakes when they end instead of polling.
  const running = new Map<string, Promise<void>>();

  return async (c, next) => {
    const header = c.req.header(idempotencyHeader);
    if (header === undefined) return next();
    const key = checkedKey(header);
    const text = await c.req.text();
    const body = parsedObject(text);
    const id = entryIdOf(callerOf(c, body), key);
    const fingerprint = fingerprintOf(c, text, body);
    const owner = randomUUID();

    const admission = await admit({ store, running, id, fingerprint, owner, leaseMs, deadline: Date.now() + waitMs });
    if (admission.kind === "replay") return replay(c, admission.entry);
    if (admission.kind === "different") {
      return c.json({ error: `${idempotencyHeader}: already used for a different request (method, path, query or body)` }, 422);
    }
    if (admission.kind === "busy") {
      return c.json({ error: `${idempotencyHeader}: a request with this key is still running; retry later` }, 409, { "Retry-After": "1" });
    }
    c.set("engineKey", engineKeyOf(id, fingerprint));
    return run(c, next, { store, running, id, owner, logger });
  };
}

type Admission = { kind: "run" } | { kind: "replay"; entry: IdempotencyEntry } | { kind: "different" } | { kind: "busy" };

interface Attempt {
  store: IdempotencyStore;
  running: Map<string, Promise<void>>;
  id: string;
  owner: string;
}

/** Claims the key, or decides from the entry that stands, waiting while another attempt holds a live lease. */
async function admit(attempt: Attempt & { fingerprint: string; leaseMs: number; deadline: number }): Promise<Admission> {
  const { store, running, id, fingerprint, owner, leaseMs, deadline } = attempt;
  let pollMs = firstPollMs;
  let { claimed, stored } = await store.claim(id, fingerprint, owner, leaseMs);
  for (;;) {
    if (claimed) return { kind: "run" };
    if (stored === null) {
      // Expired between the insert and the read: the key is new again.
      ({ claimed, stored } = await store.claim(id, fingerprint, owner, leaseMs));
      continue;
    }
    if (stored.fingerprint !== fingerprint) return { kind: "different" };
    if (stored.state === "done") return { kind: "replay", entry: stored };
    if ((stored.leaseUntil?.getTime() ?? 0) <= Date.now() && (await store.takeOver(id, owner, leaseMs))) return { kind: "run" };
    const left = deadline - Date.now();
    if (left <= 0) return { kind: "busy" };
    const here = running.get(id);
    await (here === undefined ? sleep(Math.min(pollMs, left)) : Promise.race([here, sleep(left, undefined, { ref: false })]));
    pollMs = Math.min(pollMs * 2, longestPollMs);
    stored = await store.read(id);
  }
}

/** Runs the route and keeps its answer; a 5xx or a throw releases the key for the next retry, a refusal before the engine forgets it. */
async function run(c: Context<HttpEnv>, next: Next, { store, running, id, owner, logger }: Attempt & { logger: Logger }): Promise<void> {
  let ended!: () => void;
  const attempt = new Promise<void>((resolve) => (ended = resolve));
  running.set(id, attempt);
  try {
    await next();
    const outcome = c.get("ran") === true ? keep(store, id, owner, c.res) : store.forget(id, owner);
    await outcome.catch((error: unknown) => {
      // The answer stands; a retry finds the entry running and, once its lease ends, runs it again with the same engine key.
      logger.error({ err: error, path: c.req.path }, "could not keep the answer to an Idempotency-Key request");
    });
  } catch (error) {
    await store.release(id, owner).catch(() => undefined);
    throw error;
  } finally {
    // A retry may have taken the entry over meanwhile (this attempt outlived its lease): leave its promise.
    if (running.get(id) === attempt) running.delete(id);
    ended();
  }
}

async function keep(store: IdempotencyStore, id: string, owner: string, response: Response): Promise<void> {
  if (response.status >= 500) return store.release(id, owner);
  const body = response.body === null ? null : await response.clone().text();
  const headers: Record<string, string> = {};
  for (const name of ["content-type", flowHeader]) {
    const value = response.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  return store.finish(id, owner, { status: response.status, body, headers });
}

function replay(c: Context<HttpEnv>, entry: IdempotencyEntry): Response {
  const { status = 200, body = null, headers = {} }: Partial<StoredAnswer> = entry;
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  c.header(replayedHeader, "true");
  return body === null ? c.body(null, status as StatusCode) : c.body(body, status as ContentfulStatusCode);
}
