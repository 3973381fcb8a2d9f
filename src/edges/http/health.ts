/** `GET /health`: 200 once the database answers a ping, 503 while it does not. */
import type { Hono } from "hono";
import type { Db } from "mongodb";
import type { Logger } from "pino";
import type { HttpEnv } from "./principal.ts";

const pingTimeoutMs = 2_000;

export function registerHealth(app: Hono<HttpEnv>, { db, logger }: { db: Db; logger: Logger }): void {
  app.get("/health", async (c) => {
    try {
      await withTimeout(db.command({ ping: 1 }), pingTimeoutMs);
      return c.json({ status: "ok" }, 200);
    } catch (error) {
      logger.warn({ err: error }, "health check: database unreachable");
      return c.json({ error: "database unreachable" }, 503, { "Retry-After": "1" });
    }
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
