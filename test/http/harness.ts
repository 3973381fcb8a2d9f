/** Building an HTTP app for tests, with credentials to call it. */
import type { Hono } from "hono";
import { sign } from "hono/jwt";
import type { Db } from "mongodb";
import { pino, type Logger } from "pino";
import { RequestingConcept } from "../../src/concepts/Requesting/RequestingConcept.ts";
import { createApp, type AppConfig } from "../../src/edges/http/app.ts";
import type { HttpEnv } from "../../src/edges/http/principal.ts";
import { SyncEngine, type Sync } from "../../src/engine/index.ts";
import { NotebookConcept, notebookSyncs } from "./notebook.ts";

export const apiKey = "test-api-key-0123456789";
export const jwtSecret = "test-jwt-secret-0123456789";

export const securedConfig: AppConfig = {
  apiKey,
  jwtSecret,
  corsOrigins: ["*"],
  bodyLimitBytes: 4096,
  routePlaceholders: { FLOW_BASE_PATH: "/api/flow/v1/sessions" },
};

export const silentLogger = pino({ level: "silent" });

export interface NotebookApp {
  app: Hono<HttpEnv>;
  notebook: NotebookConcept;
  engine: SyncEngine;
}

export interface NotebookAppOptions {
  syncs?: Record<string, Sync>;
  /** Default: a new engine without a durable log. */
  engine?: SyncEngine;
  logger?: Logger;
}

/** The app over the test Notebook concept and its syncs. */
export function notebookApp(db: Db, config: Partial<AppConfig> = {}, options: NotebookAppOptions = {}): NotebookApp {
  const { syncs = notebookSyncs, engine = new SyncEngine(), logger = silentLogger } = options;
  const notebook = new NotebookConcept();
  engine.register([notebook, new RequestingConcept(db)]);
  engine.registerSyncs(syncs);
  const app = createApp({ engine, concepts: [NotebookConcept, RequestingConcept], config: { ...securedConfig, ...config }, db, logger });
  return { app, notebook, engine };
}

/** An HS256 token for `sub`, valid for an hour unless told otherwise. */
export async function userToken(sub: string, { secret = jwtSecret, expiresInSeconds = 3600 } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign({ sub, iat: now, exp: now + expiresInSeconds }, secret, "HS256");
}

export async function asUser(sub: string): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await userToken(sub)}` };
}

export const asService: Record<string, string> = { "x-api-key": apiKey };

/**
 * A response's JSON body, loosely typed: tests compare it with expected values, so a typo
 * shows up as a failed expectation rather than needing a type for every answer.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function json(response: Response): Promise<any> {
  return response.json();
}

/** A JSON POST; `body` is sent as is when it is already a string. */
export function post(app: Hono<HttpEnv>, path: string, body: unknown, headers: Record<string, string> = asService): Promise<Response> {
  return Promise.resolve(
    app.request(path, {
      method: "POST",
      body: typeof body === "string" ? body : JSON.stringify(body),
      headers: { "content-type": "application/json", ...headers },
    }),
  );
}
