/**
 * The baseline for `npm run bench:compare`: seed 004 written the plain way (hono, the mongodb
 * driver, zod; every effect of a completion inline in its handler, no sync engine, no action
 * log). For benchmarks only.
 *
 *   MONGODB_URL=mongodb://... PORT=0 API_KEY=key tsx bench/baseline/server.ts
 *
 * Environment and shutdown: see `bench/support/plain-server.ts` (MONGODB_DB defaults to
 * `baseline`). Prints `focus-baseline listening on <url>` once it serves.
 */
import { servePlain } from "../support/plain-server.ts";
import { createApp } from "./app.ts";
import { Store } from "./store.ts";

await servePlain("focus-baseline", async (db, apiKey) => {
  const store = new Store(db);
  await store.createIndexes();
  return createApp(store, apiKey);
});
