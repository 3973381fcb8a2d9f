/** Structured logs: one pino logger for the server, one line per request. */
import type { MiddlewareHandler } from "hono";
import { pino, type Logger } from "pino";
import type { LogLevel } from "../config.ts";
import type { HttpEnv } from "./principal.ts";

export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: { service: "focus-backend" } });
}

/** Logs each request once it is answered: method, path, status, duration and who asked. */
export function requestLog(logger: Logger): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const principal = c.get("principal");
    const line = {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      principal: principal === undefined ? undefined : principal.kind === "user" ? `user:${principal.user}` : "service",
    };
    if (c.res.status >= 500) logger.error(line, "request failed");
    else logger.info(line, "request");
  };
}
