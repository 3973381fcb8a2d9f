/**
 * Route literals as the REST bridge serves them. Syncs write `"PATCH /api/v1/sessions/:id"`
 * (possibly `"PATCH {FLOW_BASE_PATH}/:id"`); the server needs the method, the concrete path
 * with its placeholders resolved, and an order in which more specific paths come first.
 */
import { httpMethods, routeLiteral, type HttpMethod } from "../../concepts/Requesting/RequestingConcept.ts";

export interface RestRoute {
  /** The literal as syncs wrote it; `Requesting.request` carries it unchanged. */
  readonly literal: string;
  readonly method: HttpMethod;
  /** The path pattern with placeholders resolved, e.g. `/api/flow/v1/sessions/:id/pause`. */
  readonly path: string;
}

/** Parses and resolves every literal; a malformed literal or unknown placeholder is a startup error. */
export function restRoutes(literals: readonly unknown[], placeholders: Readonly<Record<string, string>>): RestRoute[] {
  return literals.map((literal) => parseRoute(literal, placeholders)).sort(bySpecificity);
}

function parseRoute(literal: unknown, placeholders: Readonly<Record<string, string>>): RestRoute {
  const parsed = routeLiteral.safeParse(literal);
  if (!parsed.success) throw new Error(`route literal ${JSON.stringify(literal)} ${parsed.error.issues[0]?.message ?? "is invalid"}`);
  const [method, pattern] = parsed.data.split(" ") as [HttpMethod, string];
  if (!httpMethods.includes(method)) throw new Error(`route literal ${parsed.data}: unknown method`);
  const path = pattern.replace(/^\{([A-Z_]+)\}/, (_match, name: string) => {
    const value = placeholders[name];
    if (value === undefined) throw new Error(`route literal ${parsed.data}: no configuration for {${name}}`);
    return value;
  });
  return { literal: parsed.data, method, path: normalize(path) };
}

function normalize(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, "") : path;
  return trimmed === "" ? "/" : trimmed;
}

/**
 * Literal segments before parameters, segment by segment, so `/sessions/summary` is tried
 * before `/sessions/:id`; otherwise longer paths first. Ties keep a stable, readable order.
 */
function bySpecificity(a: RestRoute, b: RestRoute): number {
  const left = a.path.split("/");
  const right = b.path.split("/");
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const leftParam = left[index]!.startsWith(":");
    const rightParam = right[index]!.startsWith(":");
    if (leftParam !== rightParam) return leftParam ? 1 : -1;
  }
  return right.length - left.length || a.literal.localeCompare(b.literal);
}

/** The OpenAPI form of a path: `/sessions/:id` becomes `/sessions/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
}

export function pathParameters(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1]!);
}
