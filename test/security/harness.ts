/**
 * The whole application in this process, as `npm start` assembles it (every concept and sync
 * found on disk, API_KEY and JWT_SECRET both set), on a fresh database of the suite's server,
 * for `app.request()`-speed attacks. Two ways to see that a refused request changed nothing:
 *
 * - every write command the application's driver sends that changed something (by its reply)
 *   is recorded (command monitoring), so each request's writes are known exactly;
 * - `snapshot()` reads every collection, for before/after comparisons.
 *
 * The engine runs without its durable action log here: the log records every request that
 * reaches the engine, refused or not, by design (it is the audit trail), so it is no part of
 * "stored data" a refused request must leave alone. Concepts' collections are all there is.
 */
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { Hono } from "hono";
import { sign } from "hono/jwt";
import { MongoClient, type Db } from "mongodb";
import { pino } from "pino";
import { inject } from "vitest";
import { Requesting } from "../../src/concepts/Requesting/RequestingConcept.ts";
import { createApp, type AppConfig } from "../../src/edges/http/app.ts";
import { servedOperations, type ConceptOperation } from "../../src/edges/http/concept-routes.ts";
import type { HttpEnv } from "../../src/edges/http/principal.ts";
import { restRoutes, type RestRoute } from "../../src/edges/http/rest-routes.ts";
import { discoverConcepts, discoverSyncs, SyncEngine } from "../../src/engine/index.ts";

export const apiKey = "security-test-key-0123456789";
export const jwtSecret = "security-test-secret-0123456789";
export const bodyLimitBytes = 64 * 1024;

const config: AppConfig = {
  apiKey,
  jwtSecret,
  corsOrigins: ["*"],
  bodyLimitBytes,
  routePlaceholders: { FLOW_BASE_PATH: "/api/flow/v1/sessions" },
};

const writeCommands = new Set(["insert", "update", "delete", "findAndModify", "createIndexes", "drop", "dropIndexes", "create", "renameCollection", "bulkWrite"]);

export interface SecurityApp {
  app: Hono<HttpEnv>;
  db: Db;
  conceptRoutes: ConceptOperation[];
  restRoutes: RestRoute[];
  /** Write commands that changed something since the last call (command name and collection), then forgets them. */
  takeWrites(): string[];
  snapshot(): Promise<Record<string, unknown[]>>;
  close(): Promise<void>;
}

export async function securityApp(): Promise<SecurityApp> {
  const client = await MongoClient.connect(inject("mongoUri"), { monitorCommands: true });
  const db = client.db(`security_${process.pid}_${randomBytes(3).toString("hex")}`);
  let writes: string[] = [];
  const started = new Map<number, string>();
  client.on("commandStarted", (event) => {
    if (event.databaseName === db.databaseName && writeCommands.has(event.commandName)) {
      started.set(event.requestId, `${event.commandName} ${String(event.command[event.commandName])}`);
    }
  });
  client.on("commandSucceeded", (event) => {
    const write = started.get(event.requestId);
    started.delete(event.requestId);
    if (write !== undefined && changedSomething(event.commandName, event.reply as Record<string, unknown>)) writes.push(write);
  });
  client.on("commandFailed", (event) => started.delete(event.requestId));

  const concepts = await discoverConcepts(fileURLToPath(new URL("../../src/concepts", import.meta.url)));
  const engine = new SyncEngine();
  const instances = concepts.map((concept) => new concept(db));
  concepts.forEach((concept, index) => engine.registerConcept(concept, instances[index]!));
  // Concepts create their indexes on first use: do it now, so that the first request to a
  // concept, refused or not, is not the one seen creating them.
  await Promise.all(instances.map((instance) => (instance as { ensureIndexes?: () => Promise<void> }).ensureIndexes?.()));
  writes = [];
  engine.registerSyncs(await discoverSyncs(fileURLToPath(new URL("../../src/syncs", import.meta.url))));
  const app = createApp({ engine, concepts, config, db, logger: pino({ level: "silent" }) });

  return {
    app,
    db,
    conceptRoutes: servedOperations(concepts),
    restRoutes: restRoutes(engine.patternLiterals(Requesting.request, "route"), config.routePlaceholders),
    takeWrites: () => {
      const taken = writes;
      writes = [];
      return taken;
    },
    snapshot: async () => {
      const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
      const entries = await Promise.all(names.map(async (name) => [name, await db.collection(name).find().sort({ _id: 1 }).toArray()] as const));
      return Object.fromEntries(entries);
    },
    close: async () => {
      await db.dropDatabase().catch(() => undefined);
      await client.close();
    },
  };
}

/**
 * Whether a write command's reply says it changed stored data. A refused write (an insert
 * stopped by a unique index, an update whose filter matched nothing) changes nothing.
 */
function changedSomething(command: string, reply: Record<string, unknown>): boolean {
  const count = (field: string): number => (typeof reply[field] === "number" ? (reply[field] as number) : 0);
  switch (command) {
    case "insert":
    case "delete":
      return count("n") > 0;
    case "update":
      return count("nModified") > 0 || (Array.isArray(reply.upserted) && reply.upserted.length > 0);
    case "findAndModify": {
      const last = (reply.lastErrorObject ?? {}) as Record<string, unknown>;
      return (typeof last.n === "number" && last.n > 0) || last.upserted !== undefined;
    }
    case "createIndexes":
      return reply.createdCollectionAutomatically === true || count("numIndexesAfter") > count("numIndexesBefore");
    default:
      return true;
  }
}

export async function token(sub: string, { secret = jwtSecret, expiresInSeconds = 3600 } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign({ sub, iat: now, exp: now + expiresInSeconds }, secret, "HS256");
}

/** A token that claims no signature is needed (`alg: none`): must never be accepted. */
export function unsignedToken(sub: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "none", typ: "JWT" })}.${part({ sub, exp: Math.floor(Date.now() / 1000) + 3600 })}.`;
}

/** The credentials an attacker might present, by name; `service` and `alice` are valid. */
export async function credentialSets(): Promise<Record<string, Record<string, string>>> {
  return {
    none: {},
    wrongKey: { "x-api-key": "not-the-key" },
    emptyKey: { "x-api-key": "" },
    wrongKeyAsBearer: { authorization: "Bearer not-the-key" },
    forgedToken: { authorization: `Bearer ${await token("alice", { secret: "guessed-secret" })}` },
    expiredToken: { authorization: `Bearer ${await token("alice", { expiresInSeconds: -60 })}` },
    unsignedToken: { authorization: `Bearer ${unsignedToken("alice")}` },
    garbageBearer: { authorization: "Bearer a.b.c" },
    basicAuth: { authorization: `Basic ${Buffer.from("alice:pw").toString("base64")}` },
    service: { "x-api-key": apiKey },
    alice: { authorization: `Bearer ${await token("alice")}` },
  };
}

/** A concrete path for a route pattern, its parameters filled in. */
export function concretePath(route: RestRoute, value: string): string {
  return route.path.replace(/:[A-Za-z0-9_]+/g, encodeURIComponent(value));
}

export interface SentRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export async function send(app: Hono<HttpEnv>, request: SentRequest): Promise<{ status: number; text: string }> {
  const hasBody = request.body !== undefined && request.method !== "GET";
  const response = await app.request(request.path, {
    method: request.method,
    headers: { ...(hasBody ? { "content-type": "application/json" } : {}), ...request.headers },
    ...(hasBody ? { body: request.body } : {}),
  });
  return { status: response.status, text: await response.text() };
}
