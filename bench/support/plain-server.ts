/**
 * What the benchmarks' hand-written servers share (`bench/baseline/`, `bench/concepts-by-hand/`):
 * their environment, one MongoClient, serving a hono app, the line a benchmark waits for, an
 * orderly stop on SIGTERM or SIGINT, and the two checks every request passes (the API key,
 * the body limit). For benchmarks only.
 *
 * Environment: MONGODB_URL (required), MONGODB_DB (default: the server's name), PORT (default
 * 8000, 0 picks a free one), HOST (default 127.0.0.1), API_KEY (unset: open, loopback only).
 * Prints `<name> listening on <url>` on a line of its own once it serves.
 */
import { hash, timingSafeEqual } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Hono, MiddlewareHandler } from "hono";
import { MongoClient, type Db } from "mongodb";
import { z } from "zod";

/** Builds the app on the database, with the API key clients must send (none: open). */
export type PlainApp = (db: Db, apiKey: string | undefined) => Hono | Promise<Hono>;

export async function servePlain(name: string, build: PlainApp): Promise<void> {
  const env = z
    .object({
      MONGODB_URL: z.string().min(1),
      MONGODB_DB: z.string().min(1).default(name),
      PORT: z.coerce.number().int().min(0).max(65535).default(8000),
      HOST: z.string().min(1).default("127.0.0.1"),
      API_KEY: z.string().min(1).optional(),
    })
    .parse(Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== "")));

  if (env.API_KEY === undefined && !/^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(env.HOST)) {
    process.stderr.write(`${name}: without API_KEY it listens on loopback only\n`);
    process.exit(2);
  }

  const client = await MongoClient.connect(env.MONGODB_URL);
  const app = await build(client.db(env.MONGODB_DB), env.API_KEY);
  const server = serve({ fetch: app.fetch, hostname: env.HOST, port: env.PORT }, (info: AddressInfo) => {
    const host = info.family === "IPv6" ? `[${info.address}]` : info.address;
    process.stdout.write(`${name} listening on http://${host}:${info.port}\n`);
  });

  let stopping = false;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(1);
      stopping = true;
      server.close(() => void client.close().then(() => process.exit(0)));
      // Idle keep-alive connections would hold close() open until they time out; busy ones get a second.
      (server as Server).closeIdleConnections();
      setTimeout(() => (server as Server).closeAllConnections(), 1000).unref();
    });
  }
}

/** `x-api-key` must be the configured key (compared as digests, in constant time); no key configured: open. */
export function requireApiKey(apiKey: string | undefined): MiddlewareHandler {
  if (apiKey === undefined) return (_c, next) => next();
  const digest = (value: string): Buffer => hash("sha256", value, "buffer");
  const expected = digest(apiKey);
  return async (c, next) => {
    const given = c.req.header("x-api-key");
    if (given === undefined) return c.json({ error: "missing credentials: send x-api-key" }, 401);
    if (!timingSafeEqual(digest(given), expected)) return c.json({ error: "invalid API key" }, 401);
    await next();
  };
}

export const maxBodyBytes = 1024 * 1024;

/** 413 for a declared body over the limit (Node never delivers more than Content-Length declares). */
export const limitBody: MiddlewareHandler = async (c, next) => {
  if (Number(c.req.header("content-length") ?? 0) > maxBodyBytes) return c.json({ error: `body larger than ${maxBodyBytes} bytes` }, 413);
  await next();
};

/** The JSON object a body holds (`{}` for none); undefined when it holds anything else. */
export function jsonObject(text: string): Record<string, unknown> | undefined {
  if (text.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // not JSON: undefined below
  }
  return undefined;
}
