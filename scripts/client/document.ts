/**
 * `/openapi.json` as the server would answer it with the default configuration, built
 * without a database or a server: the concepts' schemas and the routes the syncs declare.
 */
import { loadConfig } from "../../src/edges/config.ts";
import { servedOperations } from "../../src/edges/http/concept-routes.ts";
import { openApiDocument } from "../../src/edges/http/openapi.ts";
import { restRoutes } from "../../src/edges/http/rest-routes.ts";
import { discoverConcepts, discoverSyncs } from "../../src/engine/index.ts";
import { compileSync, literalsOf } from "../../src/engine/sync.ts";

export async function offlineOpenApi(conceptsDir = "src/concepts", syncsDir = "src/syncs"): Promise<Record<string, unknown>> {
  const concepts = await discoverConcepts(conceptsDir);
  const syncs = Object.entries(await discoverSyncs(syncsDir)).map(([name, sync]) => compileSync(name, sync));
  const literals = literalsOf(syncs, "Requesting", "request", "route");
  return openApiDocument({ operations: servedOperations(concepts), restRoutes: restRoutes(literals, loadConfig({}).routePlaceholders) });
}
