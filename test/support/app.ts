/**
 * The whole application as `src/main.ts` builds it, for tests: a durable engine on the
 * given database, every concept and sync found on disk, and the HTTP app in front of them.
 * A test may swap one concept instance (a failing Badge, a FocusStats that hangs) to see
 * how the rest copes.
 */
import type { Hono } from "hono";
import type { Db } from "mongodb";
import { pino } from "pino";
import { createApp, type AppConfig } from "../../src/edges/http/app.ts";
import type { HttpEnv } from "../../src/edges/http/principal.ts";
import { discoverConcepts, discoverSyncs, SyncEngine, type ConceptClass, type EngineOptions } from "../../src/engine/index.ts";

export const testApiKey = "syncs-test-api-key-0123456789";
export const testJwtSecret = "syncs-test-jwt-secret-0123456789";

export const testConfig: AppConfig = {
  apiKey: testApiKey,
  jwtSecret: testJwtSecret,
  corsOrigins: ["*"],
  bodyLimitBytes: 1024 * 1024,
  routePlaceholders: { FLOW_BASE_PATH: "/api/flow/v1/sessions" },
};

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
