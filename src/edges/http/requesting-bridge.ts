/**
 * Template-style requests, as the 6.1040 template serves them: `POST <REQUESTING_BASE_URL><path>`
 * becomes `Requesting.request({ ...body, path })` and is answered with what a sync gives
 * `Requesting.respond({ request, ...fields })`, waiting up to REQUESTING_TIMEOUT (then 504).
 * Served for the paths syncs listen to (`path` literals on `Requesting.request`), so any
 * other path stays a 404 rather than a wait.
 */
import type { Context, Hono, MiddlewareHandler } from "hono";
import type { Logger } from "pino";
import { Requesting, reservedRequestFields } from "../../concepts/Requesting/RequestingConcept.ts";
import type { CompiledSync } from "../../engine/sync.ts";
import type { ConceptOperation } from "./concept-routes.ts";
import type { HttpEngine } from "./engine-port.ts";
import { HttpError } from "./errors.ts";
import { refuseOtherUsers } from "./identity.ts";
import { readJsonBody } from "./input.ts";
import { principalOf, type HttpEnv } from "./principal.ts";
import { refuseShadowedSyncRoutes, shadowedRouteWarnings, type SyncRoute } from "./passthrough.ts";
import type { RestRoute } from "./rest-routes.ts";
import { awaitSyncResponse, startRequest } from "./through-syncs.ts";

const servablePath = /^\/[A-Za-z0-9._~\-/]*$/;

/** The template-style paths syncs listen to (relative to the base URL, e.g. `/LikertSurvey/createSurvey`). */
export function templatePaths(engine: Pick<HttpEngine, "syncDeclarations">): string[] {
  return [...new Set(pathListeners(engine).map(({ path }) => path))];
}

/** Each sync's when-pattern on `Requesting.request` with a literal path, with the sync. */
function pathListeners(engine: Pick<HttpEngine, "syncDeclarations">): { path: string; sync: CompiledSync }[] {
  return engine.syncDeclarations().flatMap((sync) =>
    sync.when
      .filter((pattern) => pattern.concept === Requesting.request.concept && pattern.action === Requesting.request.name)
      .map((pattern) => pattern.input.path)
      .filter((path): path is string => typeof path === "string" && servablePath.test(path))
      .map((path) => ({ path, sync })),
  );
}

/**
 * The template-style paths to serve, with their OpenAPI entries. A path a concept route still
 * serves goes to the concept, as in the template, where the passthrough route wins: a
 * template-style sync listening there never fires, and is named in a warning; a sync written
 * against the project's engine is refused at start (see passthrough.ts), as is any sync on a
 * REST dialect's route.
 */
export function prepareTemplateRequests({
  engine,
  baseUrl,
  served,
  restRoutes,
}: {
  engine: Pick<HttpEngine, "syncDeclarations">;
  baseUrl: string;
  served: readonly ConceptOperation[];
  restRoutes: readonly RestRoute[];
}): { paths: string[]; docs: Record<string, Record<string, unknown>>; warnings: string[] } {
  const listeners = pathListeners(engine).map(({ path, sync }) => ({
    template: sync.template,
    route: {
      method: "POST",
      path: `${baseUrl}${path}`,
      declaredBy: `sync ${sync.name}${sync.location === undefined ? "" : ` (${sync.location})`} on Requesting.request { path: "${path}" }`,
    } satisfies SyncRoute,
  }));
  refuseShadowedSyncRoutes(served, [
    ...listeners.filter(({ template }) => !template).map(({ route }) => route),
    ...restRoutes.map((route) => ({ method: route.method, path: route.path, declaredBy: `the sync route "${route.literal}"` })),
  ]);
  const templateRoutes = listeners.filter(({ template }) => template).map(({ route }) => route);
  const servedPaths = new Set(served.map((operation) => operation.path));
  const paths = templatePaths(engine).filter((path) => !servedPaths.has(`${baseUrl}${path}`));
  return { paths, docs: templatePathDocs(baseUrl, paths), warnings: shadowedRouteWarnings(served, templateRoutes) };
}

export interface RequestingBridgeOptions {
  engine: HttpEngine;
  baseUrl: string;
  timeoutMs: number;
  /** Requests that may wait for their response at once (REQUESTING_MAX_WAITING). */
  maxWaiting: number;
  paths: readonly string[];
  retries: MiddlewareHandler<HttpEnv>;
  logger: Logger;
}

export function registerRequestingBridge(app: Hono<HttpEnv>, { engine, baseUrl, timeoutMs, maxWaiting, paths, retries, logger }: RequestingBridgeOptions): void {
  // A request that no sync answers waits up to the timeout: without a cap, a client could hold
  // as many as it likes. Counted from arrival, so one refused at the cap has run nothing.
  let waiting = 0;
  const atCapacity: MiddlewareHandler<HttpEnv> = async (c, next) => {
    if (waiting >= maxWaiting) {
      logger.warn({ path: c.req.path, waiting }, "template-style requests at REQUESTING_MAX_WAITING: answered 503");
      return c.json({ error: "too many requests are waiting for a response; retry shortly" }, 503, { "Retry-After": "1" });
    }
    waiting++;
    try {
      await next();
    } finally {
      waiting--;
    }
  };
  for (const path of paths) {
    app.post(`${baseUrl}${path}`, atCapacity, retries, (c) => bridge(c, path, { engine, timeoutMs, logger }));
  }
}

async function bridge(c: Context<HttpEnv>, path: string, { engine, timeoutMs, logger }: Pick<RequestingBridgeOptions, "engine" | "timeoutMs" | "logger">): Promise<Response> {
  // The body is read and run in a call of its own, so nothing here holds it while the request
  // waits for its response (up to REQUESTING_TIMEOUT).
  const { flow, request, failed } = await runRequest(c, path, engine, logger);
  // The template answers 500 at once when a sync throws (its exception reaches the route): so
  // does this bridge, unless a sync responded before, rather than leave the client to wait.
  const response = await awaitSyncResponse(engine, request, failed ? undefined : timeoutMs);
  if (response !== undefined) return c.json((response.body ?? {}) as object, 200);
  if (failed) return c.json({ error: "An internal server error occurred." }, 500);
  logger.error({ flow, path, timeoutMs }, "no sync responded to this request in time (REQUESTING_TIMEOUT)");
  return c.json({ error: "Request timed out." }, 504);
}

async function runRequest(c: Context<HttpEnv>, path: string, engine: HttpEngine, logger: Logger): Promise<{ flow: string; request: string; failed: boolean }> {
  const principal = principalOf(c);
  const body = await readJsonBody(c);
  forgetBody(c);
  refuseOtherUsers(principal, body);
  for (const field of reservedRequestFields) {
    if (field in body) throw new HttpError(400, `${field}: reserved, the server sets it`);
  }
  // A token's user comes along (as `user`) when the body does not name one.
  const user = principal.kind === "user" && body.user === undefined ? { user: principal.user } : {};
  const input = { ...body, ...user, path, principal: principal.kind };
  const { flow, request, failures } = await startRequest(c, input, { engine, logger, where: { path } });
  return { flow, request, failed: failures > 0 };
}

/** Drops the copies of the body hono keeps on the request (its text and parsed forms), so a waiting request holds none. */
function forgetBody(c: Context): void {
  c.req.bodyCache = {};
}

/** OpenAPI entries for the template-style paths: served by syncs, body fields flattened into the request. */
export function templatePathDocs(baseUrl: string, paths: readonly string[]): Record<string, Record<string, unknown>> {
  const docs: Record<string, Record<string, unknown>> = {};
  for (const path of paths) {
    docs[`${baseUrl}${path}`] = {
      post: {
        tags: ["Requesting"],
        operationId: `Requesting.request ${path}`,
        summary: `Served by syncs: Requesting.request({ path: "${path}", ...body })`,
        description: `The body's fields are flattened into the request; the answer is the fields a sync responds with (504 after REQUESTING_TIMEOUT when none does).`,
        requestBody: { required: false, content: { "application/json": { schema: { type: "object" } } } },
        responses: {
          "200": { description: "What the syncs responded", content: { "application/json": { schema: { type: "object" } } } },
          "503": { description: "Too many requests are waiting for a response (REQUESTING_MAX_WAITING)", content: { "application/json": { schema: { type: "object", properties: { error: { type: "string" } } } } } },
          "504": { description: "No sync responded in time", content: { "application/json": { schema: { type: "object", properties: { error: { type: "string" } } } } } },
        },
      },
    };
  }
  return docs;
}
