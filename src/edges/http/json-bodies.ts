/**
 * Bodies are JSON (CONTRACTS.md, HTTP): `application/json` or a `+json` type, else 415. A
 * browser sends `text/plain`, form and multipart bodies (and untyped ones) from any page
 * without a CORS preflight; taking them as JSON let a page act before CORS could stop it.
 * An empty body counts as `{}` whatever its type, as it does for the routes.
 */
import type { Context, MiddlewareHandler } from "hono";

const jsonType = /^application\/(?:[a-z0-9!#$&^_.+-]+\+)?json$/;

export function jsonBodiesOnly(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD" || c.req.method === "OPTIONS") return next();
    if (isJson(c.req.header("content-type")) || (await isEmpty(c))) return next();
    return c.json({ error: "body must be JSON: send Content-Type: application/json" }, 415);
  };
}

function isJson(contentType: string | undefined): boolean {
  const mediaType = contentType?.split(";", 1)[0]?.trim().toLowerCase();
  return mediaType !== undefined && jsonType.test(mediaType);
}

/** Whether the request has no body: judged from Content-Length when declared, else by reading it (hono keeps what it read for the route). */
async function isEmpty(c: Context): Promise<boolean> {
  const declared = c.req.header("content-length");
  if (declared !== undefined && c.req.header("transfer-encoding") === undefined) return Number(declared) === 0;
  if (c.req.raw.body === null) return true;
  return (await c.req.text()) === "";
}
