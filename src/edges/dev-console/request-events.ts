/**
 * The requests the live trace shows beside their flows: method, path and route, user, status and time.
 * While no page watches, a request costs this middleware one boolean test and nothing else.
 */
import type { Context, MiddlewareHandler, Next } from "hono";
import { routePath } from "hono/route";
import { principalOf, type HttpEnv } from "../http/principal.ts";
import { flowHeader } from "../http/provenance-route.ts";
import type { LiveTrace } from "./live-trace.ts";

export function timeRequests(trace: LiveTrace): MiddlewareHandler<HttpEnv> {
  // Not async: with nobody watching, the request goes on without a wrapper promise.
  return (c, next) => (trace.watching && !c.req.path.startsWith("/dev") ? timed(c, next, trace) : next());
}

async function timed(c: Context<HttpEnv>, next: Next, trace: LiveTrace): Promise<void> {
  const started = performance.now();
  const at = new Date().toISOString();
  try {
    await next();
  } finally {
    const principal = principalOf(c);
    trace.publish({
      type: "request",
      flow: c.res.headers.get(flowHeader),
      method: c.req.method,
      path: c.req.path,
      // The pattern of the handler that answered (`/api/v1/sessions/:sessionId`); a middleware's `*` when none did.
      route: routePath(c, -1),
      user: principal.kind === "user" ? principal.user : (c.req.header("x-user-id") ?? null),
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      at,
    });
  }
}
