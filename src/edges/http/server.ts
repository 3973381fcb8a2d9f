/**
 * Serving the app on Node's HTTP server, and closing it gracefully: stop accepting, let the
 * requests in flight finish (each is answered within a bound, a 503 when the database is
 * away), then drop whatever connections are left. Every answer from then on says
 * `Connection: close`, so a client sends its next request on a new connection (to the next
 * server) instead of on a socket about to be closed under it.
 */
import type { Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";
import type { HttpEnv } from "./principal.ts";

export interface RunningServer {
  /** Where it listens, e.g. `http://127.0.0.1:8000` (the real port when 0 was asked). */
  readonly url: string;
  /** Stops accepting connections and resolves once the requests in flight are answered. */
  close(): Promise<void>;
}

/**
 * How long in-flight requests get to finish before their connections are cut: longer than a
 * request may take while the database is away (the engine gives up after about 8 s).
 */
const drainTimeoutMs = 15_000;

export function listen(app: Hono<HttpEnv>, { host, port }: { host: string; port: number }): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    let closing = false;
    const answering = new Set<ServerResponse>();
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      server.off("error", reject);
      resolve({
        url: `http://${info.family === "IPv6" ? `[${info.address}]` : info.address}:${info.port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            const http = server as Server;
            closing = true;
            for (const response of answering) if (!response.headersSent) response.setHeader("Connection", "close");
            // A keep-alive connection that was busy when closing began turns idle once its
            // response is sent; close those as they come rather than wait for their timeout.
            const sweep = setInterval(() => http.closeIdleConnections(), 50);
            const force = setTimeout(() => http.closeAllConnections(), drainTimeoutMs);
            server.close((error) => {
              clearInterval(sweep);
              clearTimeout(force);
              if (error) fail(error);
              else done();
            });
            http.closeIdleConnections();
          }),
      });
    });
    server.once("error", reject);
    // First, before the app answers: the header must be set before the answer's head is written.
    server.prependListener("request", (_request, response: ServerResponse) => {
      if (closing) {
        response.setHeader("Connection", "close");
        return;
      }
      answering.add(response);
      response.once("close", () => answering.delete(response));
    });
  });
}
