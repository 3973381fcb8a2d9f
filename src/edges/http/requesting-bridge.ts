/**
 * Template-style requests, as the 6.1040 template serves them: `POST <REQUESTING_BASE_URL><path>`
 * becomes `Requesting.request({ ...body, path })` and is answered with what a sync gives
 * `Requesting.respond({ request, ...fields })`, waiting up to REQUESTING_TIMEOUT (then 504).
 * Served for the paths syncs listen to (`path` literals on `Requesting.request`), so any
 * other path stays a 404 rather than a wait.
 */
import type { Context, Hono, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Logger } from "pino";
import { Requesting, reservedRequestFields } from "../../concepts/Requesting/RequestingConcept.ts";
import type { ConceptOperation } from "./concept-routes.ts";
import type { HttpEngine } from "./engine-port.ts";
import { HttpError } from "./errors.ts";
import { refuseOtherUsers } from "./identity.ts";
import { readJsonBody } from "./input.ts";
import { principalOf, type HttpEnv } from "./principal.ts";
import { refuseShadowedSyncRoutes } from "./passthrough.ts";
import type { RestRoute } from "./rest-routes.ts";
import { requestThroughSyncs } from "./through-syncs.ts";

/** The template-style paths syncs listen to (relative to the base URL, e.g. `/LikertSurvey/createSurvey`). */
export function templatePaths(engine: Pick<HttpEngine, "patternLiterals">): string[] {
  return engine
    .patternLiterals(Requesting.request, "path")
    .filter((path): path is string => typeof path === "string" && /^\/[A-Za-z0-9._~\-/]*$/.test(path));
}

/**
 * The template-style paths to serve, checked against the concept routes still served and the
 * REST dialect routes (a conflict throws, see passthrough.ts), with their OpenAPI entries.
 */
export function prepareTemplateRequests({
  engine,
  baseUrl,
  served,
  restRoutes,
}: {
  engine: Pick<HttpEngine, "patternLiterals">;
  baseUrl: string;
  served: readonly ConceptOperation[];
  restRoutes: readonly RestRoute[];
}): { paths: string[]; docs: Record<string, Record<string, unknown>> } {
  const paths = templatePaths(engine);
  refuseShadowedSyncRoutes(served, [
    ...paths.map((path) => ({ method: "POST", path: `${baseUrl}${path}`, declaredBy: `a sync on Requesting.request { path: "${path}" }` })),
    ...restRoutes.map((route) => ({ method: route.method, path: route.path, declaredBy: `the sync route "${route.literal}"` })),
  ]);
  return { paths, docs: templatePathDocs(baseUrl, paths) };
}

export interface RequestingBridgeOptions {
  engine: HttpEngine;
  baseUrl: string;
  timeoutMs: number;
  paths: readonly string[];
  retries: MiddlewareHandler<HttpEnv>;
  logger: Logger;
}

export function registerRequestingBridge(app: Hono<HttpEnv>, { engine, baseUrl, timeoutMs, paths, retries, logger }: RequestingBridgeOptions): void {
  for (const path of paths) {
    app.post(`${baseUrl}${path}`, retries, (c) => bridge(c, path, { engine, timeoutMs, logger }));
  }
}

async function bridge(c: Context<HttpEnv>, path: string, { engine, timeoutMs, logger }: Pick<RequestingBridgeOptions, "engine" | "timeoutMs" | "logger">): Promise<Response> {
  const principal = principalOf(c);
  const body = await readJsonBody(c);
  refuseOtherUsers(principal, body);
  for (const field of reservedRequestFields) {
    if (field in body) throw new HttpError(400, `${field}: reserved, the server sets it`);
  }
  // A token's user comes along (as `user`) when the body does not name one.
  const user = principal.kind === "user" && body.user === undefined ? { user: principal.user } : {};
  const input = { ...body, ...user, path, principal: principal.kind };

  const { flow, response } = await requestThroughSyncs(c, input, { engine, logger, where: { path }, timeoutMs });
  if (response === undefined) {
    logger.error({ flow, path, timeoutMs }, "no sync responded to this request in time (REQUESTING_TIMEOUT)");
    return c.json({ error: "Request timed out." }, 504);
  }
  return c.json((response.body ?? {}) as object, response.status as ContentfulStatusCode);
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
          "504": { description: "No sync responded in time", content: { "application/json": { schema: { type: "object", properties: { error: { type: "string" } } } } } },
        },
      },
    };
  }
  return docs;
}
