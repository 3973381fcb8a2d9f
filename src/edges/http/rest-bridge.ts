/**
 * The generic REST bridge: each route some sync listens to (a `route` literal in a when
 * pattern on `Requesting.request`) is served here by the same handler, which turns the HTTP
 * request into `Requesting.request`, lets the engine run every sync it triggers, and answers
 * whatever `Requesting.respond` those syncs produced. Dialects have no handler code of their own.
 */
import type { Context, Hono, MiddlewareHandler } from "hono";
import type { StatusCode } from "hono/utils/http-status";
import type { Logger } from "pino";
import { idHint, isId } from "../../utils/schemas.ts";
import type { HttpEngine } from "./engine-port.ts";
import { HttpError } from "./errors.ts";
import { refuseOtherUsers } from "./identity.ts";
import { readJsonBody, readQuery } from "./input.ts";
import { principalOf, type HttpEnv, type Principal } from "./principal.ts";
import type { RestRoute } from "./rest-routes.ts";
import { requestThroughSyncs } from "./through-syncs.ts";
import { headerZone, timeZoneHeader } from "./time-zone-header.ts";
import { routeDeclaration, type DeclaredRoute, type PartSchema } from "./route-declarations.ts";

const noBodyStatuses = new Set<number>([204, 205, 304]);

/** Registers every route; all but GET go through `retries`, the Idempotency-Key middleware. */
export function registerRestBridge(
  app: Hono<HttpEnv>,
  { engine, routes, retries, logger }: { engine: HttpEngine; routes: readonly RestRoute[]; retries: MiddlewareHandler<HttpEnv>; logger: Logger },
): void {
  for (const route of routes) {
    const declaration = routeDeclaration(route.literal);
    const handle = (c: Context<HttpEnv>) => bridge(c, route, declaration, engine, logger);
    if (route.method === "GET") app.on(route.method, route.path, handle);
    else app.on(route.method, route.path, retries, handle);
  }
}

async function bridge(c: Context<HttpEnv>, route: RestRoute, declaration: DeclaredRoute | undefined, engine: HttpEngine, logger: Logger): Promise<Response> {
  const zone = headerZone(c.req.header(timeZoneHeader));
  if ("problem" in zone) return c.json((declaration?.dialect.refuse ?? ((error: string) => ({ error })))(`${timeZoneHeader}: ${zone.problem}`) as object, 400);
  const input = { ...(await requestInput(c, route)), timeZone: zone.zone };
  // A seed 004 request naming no user at all is refused by its syncs, in the seed's words and
  // before any other problem ("userId is required" comes first in the seed).
  if (declaration !== undefined && !namesNoUser(declaration, input)) {
    const problem = declaredProblem(declaration, input);
    // The dialect's own refusal body (seed 002 keeps its envelope).
    if (problem !== undefined) return c.json(declaration.dialect.refuse(problem) as object, 400);
  }

  const { flow, response } = await requestThroughSyncs(c, input, { engine, logger, where: { route: route.literal } });
  if (response === undefined) {
    logger.error({ flow, route: route.literal }, "sync bug: no sync responded to this request");
    return c.json({ error: "no response" }, 500);
  }
  const status = response.status as StatusCode;
  if (response.body === undefined || noBodyStatuses.has(status)) return c.body(null, status);
  return c.json(response.body as object, status as Exclude<StatusCode, 204 | 205 | 304 | 101>);
}

/** `Requesting.request`'s input: the request as sent, its user, and the route it came by. */
async function requestInput(c: Context<HttpEnv>, route: RestRoute) {
  const principal = principalOf(c);
  const body = await readJsonBody(c);
  const query = readQuery(c);
  const params = c.req.param() as Record<string, string>;
  refuseOtherUsers(principal, body, query);
  return {
    method: route.method,
    route: route.literal,
    path: c.req.path,
    params,
    query,
    body,
    user: authenticatedUser(principal, c.req.header("x-user-id")),
    principal: principal.kind,
  };
}

/** A route that takes `userId` from the body (or the query of a GET), asked with neither that field nor an authenticated user. */
function namesNoUser(declaration: DeclaredRoute, { method, query, body, user }: { method: string; query: Record<string, unknown>; body: Record<string, unknown>; user: string | null }): boolean {
  if (declaration.identity !== "userId" || user !== null) return false;
  return (method === "GET" ? query : body).userId === undefined;
}

/**
 * The first problem the declaration finds in the path, query or body, parsed once per
 * request. The syncs get the request as sent: the schemas only judge it (their coercions
 * are for the documented types).
 */
function declaredProblem(declaration: DeclaredRoute, { params, query, body, method }: { params: object; query: object; body: object; method: string }): string | undefined {
  const parts: [PartSchema | undefined, object][] = [
    [declaration.params, params],
    [declaration.query, query],
    [method === "GET" ? undefined : declaration.body, body],
  ];
  for (const [schema, value] of parts) {
    if (schema === undefined) continue;
    const parsed = schema.safeParse(value);
    if (!parsed.success) return describeIssue(parsed.error.issues[0]);
  }
  return undefined;
}

/** The declaration's own message when it has one (the seed's words), else the field and zod's message. */
function describeIssue(issue: { path: PropertyKey[]; message: string } | undefined): string {
  if (issue === undefined) return "invalid request";
  const field = issue.path.map(String).join(".");
  return field === "" || issue.message.startsWith(field) ? issue.message : `${field}: ${issue.message}`;
}

/**
 * Whom the request acts for: a token's subject; with the service key (or in open mode) the
 * `x-user-id` header, for the dialects whose seed takes the user from authentication.
 */
function authenticatedUser(principal: Principal, header: string | undefined): string | null {
  if (principal.kind === "user") {
    if (header !== undefined && header !== principal.user) {
      throw new HttpError(403, `x-user-id: a token for ${principal.user} cannot act for another user`);
    }
    return principal.user;
  }
  if (header === undefined) return null;
  if (!isId(header)) throw new HttpError(400, `x-user-id: ${idHint}`);
  return header;
}
