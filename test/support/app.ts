/**
 * The whole application as `src/main.ts` builds it, for tests: a durable engine on the
 * given database, every concept and sync found on disk, and the HTTP app in front of them.
 * A test may swap one concept instance (a failing Badge, a FocusStats that hangs) to see
 * how the rest copes.
 */
import type { Hono } from "hono";
import type { Db } from "mongodb";
import { pino } from "pino";
import { afterAll, beforeAll } from "vitest";
import { createApp, type AppConfig } from "../../src/edges/http/app.ts";
import type { HttpEnv } from "../../src/edges/http/principal.ts";
import { apiKey, securedConfig } from "../http/harness.ts";
import { useTestDatabase } from "./database.ts";
import { discoverConcepts, discoverSyncs, SyncEngine, type ConceptClass, type EngineOptions } from "../../src/engine/index.ts";

/** The HTTP tests' credentials (`asService`, `asUser` in test/http/harness.ts work here too). */
export const testApiKey = apiKey;
export const testConfig: AppConfig = { ...securedConfig, bodyLimitBytes: 1024 * 1024 };

export interface FocusApp {
  app: Hono<HttpEnv>;
  engine: SyncEngine;
  concepts: readonly ConceptClass[];
}

export interface FocusAppOptions {
  config?: Partial<AppConfig>;
  /** Instances to use instead of `new Concept(db)`, by concept name. */
  instances?: Readonly<Record<string, object>>;
  engine?: Omit<EngineOptions, "db">;
}

export async function focusApp(db: Db, { config = {}, instances = {}, engine: engineOptions = {} }: FocusAppOptions = {}): Promise<FocusApp> {
  const logger = pino({ level: "silent" });
  const engine = new SyncEngine({ db, durable: true, logger, ...engineOptions });
  const concepts = await discoverConcepts("src/concepts");
  for (const concept of concepts) engine.registerConcept(concept, instances[concept.conceptName] ?? new concept(db));
  engine.registerSyncs(await discoverSyncs("src/syncs"));
  await engine.start();
  const app = createApp({ engine, concepts, config: { ...testConfig, ...config }, db, logger });
  return { app, engine, concepts };
}

export interface Answer {
  status: number;
  /** The JSON body, loosely typed: tests compare it with expected values. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** One request to the app with a JSON body (if any), answered as status and parsed JSON. */
export async function send(
  app: FocusApp["app"],
  method: string,
  path: string,
  { body, headers = {} }: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const response = await app.request(path, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text) };
}

/**
 * The app for the enclosing `describe` (or file), on its own test database: built before
 * its tests, its engine stopped after them. Read `.app`, `.engine` and `.db` inside tests.
 */
export function useFocusApp(options: FocusAppOptions = {}): { readonly app: FocusApp["app"]; readonly engine: SyncEngine; readonly db: Db } {
  const database = useTestDatabase();
  let current: FocusApp | undefined;
  beforeAll(async () => {
    current = await focusApp(database.db, options);
  });
  afterAll(async () => {
    await current?.engine.stop();
  });
  const built = (): FocusApp => {
    if (current === undefined) throw new Error("the app is only available inside tests");
    return current;
  };
  return {
    get app() {
      return built().app;
    },
    get engine() {
      return built().engine;
    },
    get db() {
      return database.db;
    },
  };
}
