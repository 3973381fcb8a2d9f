/**
 * Open mode (neither API_KEY nor JWT_SECRET) trusts every caller, so it must only ever hear
 * from this machine. Binding to loopback (config.ts) keeps other machines out, but not a web
 * page the developer visits: the page's requests come from the developer's own browser. Two
 * checks close that, as Vite's and webpack-dev-server's do:
 *
 * - `Host` must name a loopback address (localhost, 127.x.x.x, [::1], any port): a page whose
 *   DNS name was rebound to 127.0.0.1 sends its own name, and is refused;
 * - `Origin`, when sent (browsers send it on every cross-origin request and every POST), must
 *   be a page served from a loopback address too.
 *
 * Both refusals are 403 (as Vite answers), before CORS, so a page's preflight fails too.
 * Nothing of the refused value is quoted back.
 */
import type { MiddlewareHandler } from "hono";
import { isLoopback } from "../config.ts";

/** An authority as `Host` carries it: a name or IPv4 address, or an IPv6 address in brackets, then an optional port. */
const authority = /^(\[[0-9a-f:.]+\]|[^:@[\]/?#\s]+)(?::\d{1,5})?$/i;

export function loopbackOnly(): MiddlewareHandler {
  return async (c, next) => {
    // Node requires Host on HTTP/1.1 requests; an in-process request (tests) has its URL's.
    const host = c.req.header("host") ?? new URL(c.req.url).host;
    if (!isLoopbackAuthority(host)) {
      return c.json({ error: "open mode (no API_KEY or JWT_SECRET) answers only requests whose Host is a loopback address, such as localhost or 127.0.0.1" }, 403);
    }
    const origin = c.req.header("origin");
    if (origin !== undefined && !isLoopbackOrigin(origin)) {
      return c.json({ error: "open mode (no API_KEY or JWT_SECRET) answers no web page but one served from a loopback address: Origin refused" }, 403);
    }
    await next();
  };
}

function isLoopbackAuthority(value: string): boolean {
  const host = authority.exec(value)?.[1];
  return host !== undefined && isLoopback(host);
}

/** Whether `origin` is a page served over http(s) from a loopback address ("null" is not). */
export function isLoopbackOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return (url.protocol === "http:" || url.protocol === "https:") && url.username === "" && isLoopback(url.hostname);
}
