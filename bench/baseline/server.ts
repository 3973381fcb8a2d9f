/**
 * The baseline for `npm run bench:compare`: seed 004 written the plain way (hono, the mongodb
 * driver, zod; every effect of a completion inline in its handler, no sync engine, no action
 * log). For benchmarks only.
 *
 *   MONGODB_URL=mongodb://... PORT=0 API_KEY=key tsx bench/baseline/server.ts
 *
 * Environment: MONGODB_URL (required), MONGODB_DB (default `baseline`), PORT (default 8000, 0
 * picks a free one), HOST (default 127.0.0.1), API_KEY (unset: open, loopback only). Prints
 * `focus-baseline listening on <url>` on a line of its own once it serves.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { MongoClient } from "mongodb";
import { z } from "zod";
import { createApp } from "./app.ts";
import { Store } from "./store.ts";

const env = z
  .object({
    MONGODB_URL: z.string().min(1),
    MONGODB_DB: z.string().min(1).default("baseline"),
    PORT: z.coerce.number().int().min(0).max(65535).default(8000),
    HOST: z.string().min(1).default("127.0.0.1"),
    API_KEY: z.string().min(1).optional(),
  })
  .parse(Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== "")));

if (env.API_KEY === undefined && !/^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(env.HOST)) {
  process.stderr.write("focus-baseline: without API_KEY it listens on loopback only\n");
  process.exit(2);
}

const client = await MongoClient.connect(env.MONGODB_URL);
const store = new Store(client.db(env.MONGODB_DB));
await store.createIndexes();

const server = serve({ fetch: createApp(store, env.API_KEY).fetch, hostname: env.HOST, port: env.PORT }, (info: AddressInfo) => {
  const host = info.family === "IPv6" ? `[${info.address}]` : info.address;
  process.stdout.write(`focus-baseline listening on http://${host}:${info.port}\n`);
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
