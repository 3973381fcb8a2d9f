/**
 * The HTTP application: public routes (health, OpenAPI, docs), then authentication, then
 * the concept routes, the provenance route and the REST dialect routes declared by syncs.
 * A factory with no global state, usable with `app.request()` in tests.
 */
import { Hono } from "hono";
import type { Db } from "mongodb";
import type { Logger } from "pino";
import { Requesting } from "../../concepts/Requesting/RequestingConcept.ts";
import type { Config } from "../config.ts";
import { authenticate } from "./auth.ts";
import { corsHeaders } from "./cors.ts";
import { limitBodies } from "./body-limit.ts";
import { jsonBodiesOnly } from "./json-bodies.ts";
import { isLoopbackOrigin, loopbackOnly } from "./loopback-only.ts";
import { registerConceptRoutes, servedOperations, type ConceptDescription } from "./concept-routes.ts";
import { registerDevConsole } from "../dev-console/routes.ts";
import { registerDocs } from "./docs.ts";
import type { HttpEngine } from "./engine-port.ts";
import { isTransientError } from "../../engine/transient.ts";
import { cut } from "../../utils/quote.ts";
import { HttpError } from "./errors.ts";
import { registerHealth } from "./health.ts";
import { idempotentRetries, replayedHeader, type RetryOptions } from "./idempotency/retries.ts";
import { idempotencyHeader } from "./idempotency/key.ts";
import { createLogger, requestLog } from "./logging.ts";
import { openApiDocument } from "./openapi.ts";
import type { HttpEnv } from "./principal.ts";
import { flowHeader, registerProvenance } from "./provenance-route.ts";
import { registerRestBridge } from "./rest-bridge.ts";
import { restRoutes } from "./rest-routes.ts";
import { planPassthrough, type Passthrough } from "./passthrough.ts";
import { prepareTemplateRequests, registerRequestingBridge, templatePaths } from "./requesting-bridge.ts";

export type AppConfig = Pick<Config, "apiKey" | "jwtSecret" | "corsOrigins" | "bodyLimitBytes" | "routePlaceholders"> &
  Partial<Pick<Config, "benchBareRoute" | "requestingBaseUrl" | "requestingTimeoutMs" | "requestingMaxWaiting" | "errorStatus">> & {
    /** Idempotency-Key timings (lease, wait); the defaults suit a server, tests shorten them. */
    idempotency?: Partial<RetryOptions>;
  };

export interface AppOptions {
  engine: HttpEngine;
  /** The registered concept classes; those with `exposeOverHttp !== false` get routes. */
  concepts: readonly ConceptDescription[];
  config: AppConfig;
  /** Pinged by `/health`; keeps the answers to requests sent with an Idempotency-Key (`http.idempotency`). */
  db: Db;
  logger?: Logger;
  /** The template's passthrough rules (src/concepts/Requesting/passthrough.ts); without them every concept route is served, unwarned. */
  passthrough?: Passthrough;
}

export function createApp({ engine, concepts, config, db, passthrough, logger = createLogger("info") }: AppOptions): Hono<HttpEnv> {
  const baseUrl = config.requestingBaseUrl ?? "/api";
  const syncServed = new Set(templatePaths(engine).map((path) => `${baseUrl}${path}`));
  const { served: operations, warnings } = planPassthrough(servedOperations(concepts), passthrough, syncServed);
  for (const warning of warnings) logger.warn(warning);
  const routes = restRoutes(engine.patternLiterals(Requesting.request, "route"), config.routePlaceholders);
  const openApi = openApiDocument({ operations, restRoutes: routes });
  // Template-style requests (6.1040): `POST <REQUESTING_BASE_URL><path>` for the paths syncs listen to.
  const template = prepareTemplateRequests({ engine, baseUrl, served: operations, restRoutes: routes });
  for (const warning of template.warnings) logger.warn(warning);
  Object.assign(openApi.paths as object, template.docs);

  const app = new Hono<HttpEnv>();
  // Open mode: every caller is trusted, so only this machine's own (loopback-only.ts).
  const open = config.apiKey === undefined && config.jwtSecret === undefined;
  app.use("*", requestLog(logger));
  if (open) app.use("*", loopbackOnly());
  app.use(
    "*",
    corsHeaders({
      // Credentials travel in headers, never cookies, so allowing an origin grants it nothing by
      // itself; in open mode no credentials are needed, so "*" means the loopback pages only.
      origin: config.corsOrigins.includes("*") ? (open ? isLoopbackOrigin : "*") : config.corsOrigins,
      allowHeaders: ["Content-Type", "Authorization", "x-api-key", "x-user-id", idempotencyHeader],
      allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
      exposeHeaders: [flowHeader, replayedHeader],
      maxAge: 600,
    }),
  );
  app.use("*", limitBodies(config.bodyLimitBytes));
  app.use("*", jsonBodiesOnly());

  registerHealth(app, { db, logger });
  app.get("/openapi.json", (c) => c.json(openApi, 200));
  registerDocs(app);
  // The landing page is the documentation: a person who opens the server's URL can read and call every route.
  app.get("/", (c) => c.redirect("/docs", 302));

  // Everything registered below needs credentials whenever API_KEY or JWT_SECRET is set.
  app.use("*", authenticate(config));
  if (config.benchBareRoute === true) {
    // Behind the same middleware as every concept route, so the benchmark's ceiling differs only by the work.
    app.post("/__bench/bare", (c) => c.json([{ ok: true }], 200));
  }
  registerProvenance(app, { engine });
  // Before the API routes, so the live trace can time their requests (one boolean test while nobody watches).
  registerDevConsole(app, { engine, concepts, db });
  // One for both kinds of route, so a retry waits in this process for the first attempt to end.
  const retries = idempotentRetries({ db, logger, options: config.idempotency ?? {} });
  registerConceptRoutes(app, { engine, operations, retries, logger, errorStatus: config.errorStatus ?? "4xx" });
  registerRestBridge(app, { engine, routes, retries, logger });
  registerRequestingBridge(app, {
    engine,
    baseUrl,
    timeoutMs: config.requestingTimeoutMs ?? 10_000,
    maxWaiting: config.requestingMaxWaiting ?? 256,
    paths: template.paths,
    retries,
    logger,
  });

  app.notFound((c) => c.json({ error: `no route ${cut(c.req.method)} ${cut(c.req.path, 200)}` }, 404));
  app.onError((error, c) => {
    if (error instanceof HttpError) {
      return c.json({ error: error.message }, error.status, error.status === 401 ? { "WWW-Authenticate": "Bearer" } : {});
    }
    if (isTransientError(error)) {
      // The database stayed away through the engine's retries: nothing was acknowledged, and
      // work already written ahead is finished by the recovery pass. The client may retry.
      logger.warn({ err: error, method: c.req.method, path: c.req.path }, "database unavailable");
      return c.json({ error: "the database is unavailable; retry shortly" }, 503, { "Retry-After": "1" });
    }
    logger.error({ err: error, method: c.req.method, path: c.req.path }, "unexpected error");
    return c.json({ error: "internal error" }, 500);
  });
  return app;
}
