/**
 * A new concept's routes added to `src/concepts/Requesting/passthrough.ts`, as inclusions
 * (served straight to the concept), so the server starts without an UNVERIFIED ROUTE
 * warning for them. The reason on each says what is known and what is the author's call.
 */
export const passthroughFile = "src/concepts/Requesting/passthrough.ts";

const inclusionsStart = "export const inclusions: Record<string, string> = {";

export interface NewRoute {
  name: string;
  syncOnly: boolean;
}

/** The file with the routes added at the end of `inclusions`; undefined when the file is not in the shape this expects. */
export function withConceptRoutes(source: string, concept: string, routes: readonly NewRoute[]): string | undefined {
  const start = source.indexOf(inclusionsStart);
  const end = start === -1 ? -1 : source.indexOf("\n};", start);
  if (end === -1) return undefined;
  const lines = routes
    .filter((route) => !source.includes(`"/api/${concept}/${route.name}"`))
    .map((route) => `  "/api/${concept}/${route.name}": ${JSON.stringify(route.syncOnly ? "sync-only: a user token gets 403" : `new (npm run new): served straight to ${concept}; say who may call it, or move it to exclusions`)},`);
  if (lines.length === 0) return source;
  return `${source.slice(0, end)}\n  // ${concept} (written by npm run new).\n${lines.join("\n")}${source.slice(end)}`;
}
