/**
 * The 6.1040 template's passthrough rules (`src/concepts/Requesting/passthrough.ts`), applied to
 * the concept routes: an included route is served straight to its concept (with the reason on
 * record), an excluded one is left to the syncs (a template-style `Requesting.request` on its
 * path), and one listed nowhere is served with a warning at start, as the template prints.
 * A sync listening on a path that a concept route still serves never sees a request there, as
 * in the template: a template-style sync is named in a warning at start; a sync written against
 * the project's engine is refused at start, since its author opted into the stricter rules.
 */
import { isUnchecked } from "../../engine/unchecked.ts";
import type { ConceptOperation } from "./concept-routes.ts";

export interface Passthrough {
  /** Route (`/api/Concept/operation`) -> why serving it straight to the concept is right. */
  readonly inclusions: Readonly<Record<string, string>>;
  /** Routes left to syncs: a request there becomes `Requesting.request`. */
  readonly exclusions: readonly string[];
}

export interface PassthroughPlan {
  /** The concept routes served straight to their concept. */
  readonly served: readonly ConceptOperation[];
  /** One line for each route listed nowhere, and each listed route that is no concept route. */
  readonly warnings: readonly string[];
}

const passthroughFile = "src/concepts/Requesting/passthrough.ts";

/** Which concept routes are served (all of them without rules) and what to warn about. */
export function planPassthrough(
  operations: readonly ConceptOperation[],
  rules: Passthrough | undefined,
  /** Routes syncs serve (template-style paths under the base URL): an excluded one of those is no typo. */
  syncServed: ReadonlySet<string> = new Set(),
): PassthroughPlan {
  const unchecked = uncheckedWarnings(operations);
  if (rules === undefined) return { served: operations, warnings: unchecked };
  const excluded = new Set(rules.exclusions);
  const served = operations.filter((operation) => !excluded.has(operation.path));
  const warnings = served
    .filter((operation) => !Object.hasOwn(rules.inclusions, operation.path))
    .map((operation) => `UNVERIFIED ROUTE: POST ${operation.path} runs ${operation.concept}.${operation.name} ${callers(operation)}; list it in ${passthroughFile} (inclusions, with a reason, or exclusions, to let syncs serve it)`);
  const known = new Set(operations.map((operation) => operation.path));
  for (const route of [...Object.keys(rules.inclusions), ...rules.exclusions.filter((route) => !syncServed.has(route))]) {
    if (!known.has(route)) warnings.push(`${passthroughFile} lists ${route}, which is no concept route (a typo, or a concept that is gone?)`);
  }
  return { served, warnings: [...unchecked, ...warnings] };
}

/** Who may call a route served straight: a sync-only action refuses user tokens before the concept sees them. */
function callers(operation: ConceptOperation): string {
  return operation.schema.kind === "action" && operation.schema.syncOnly === true ? "for the service key only (sync-only: a user token gets 403)" : "for any caller";
}

/** One line per concept that declares no schemas: its routes take any JSON object. */
function uncheckedWarnings(operations: readonly ConceptOperation[]): string[] {
  const concepts = new Set(operations.filter((operation) => isUnchecked(operation.schema)).map((operation) => operation.concept));
  return [...concepts].map(
    (concept) => `${concept} declares no schemas: its routes accept any JSON object, unchecked; add \`static schemas\` to its class (see PORTING.md) to validate and document them`,
  );
}

/** A route a sync listens to, and who declared it (for the message). */
export interface SyncRoute {
  readonly method: string;
  readonly path: string;
  readonly declaredBy: string;
}

/** One warning per template-style sync listening on a path a concept route serves (the route wins, as in the template). */
export function shadowedRouteWarnings(served: readonly ConceptOperation[], syncRoutes: readonly SyncRoute[]): string[] {
  return shadowed(served, syncRoutes).map(
    (conflict) => `${conflict}: the concept route serves it and the sync never fires for it, as in the template; add the route to exclusions in ${passthroughFile} to let syncs serve it`,
  );
}

function shadowed(served: readonly ConceptOperation[], syncRoutes: readonly SyncRoute[]): string[] {
  const servedPaths = new Map(served.map((operation) => [operation.path, operation]));
  return syncRoutes.flatMap(({ method, path, declaredBy }) => {
    const operation = method === "POST" ? servedPaths.get(path) : undefined;
    return operation === undefined ? [] : [`${declaredBy} listens to POST ${path}, which the concept route to ${operation.concept}.${operation.name} serves`];
  });
}

/** Throws, naming every conflict, when a sync listens on a path a concept route serves. */
export function refuseShadowedSyncRoutes(served: readonly ConceptOperation[], syncRoutes: readonly SyncRoute[]): void {
  const conflicts = shadowed(served, syncRoutes);
  if (conflicts.length === 0) return;
  throw new Error(
    `${conflicts.join("; ")}. Add the route to exclusions in ${passthroughFile} so that the syncs serve it, or change the syncs.`,
  );
}
