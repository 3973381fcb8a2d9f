/**
 * The project's five concepts called by hand, for `npm run bench:compare` (`BENCH_SIDES`):
 * see app.ts. For benchmarks only.
 *
 *   MONGODB_URL=mongodb://... PORT=0 API_KEY=key tsx bench/concepts-by-hand/server.ts
 *
 * Environment and shutdown: see `bench/support/plain-server.ts` (MONGODB_DB defaults to
 * `concepts-by-hand`). Prints `concepts-by-hand listening on <url>` once it serves.
 */
import { servePlain } from "../support/plain-server.ts";
import { createConceptsApp } from "./app.ts";

await servePlain("concepts-by-hand", createConceptsApp);
