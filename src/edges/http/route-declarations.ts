/**
 * How a REST dialect declares its routes, once, beside its syncs: path parameters, query
 * parameters, request body and every answer (status, body, example) as zod schemas, with
 * the words a person reads in `/docs`. The HTTP bridge validates each request with them
 * (parsed once, before the engine sees it) and `/openapi.json` and `npm run spec` are
 * generated from them, so the served shapes and the documented ones cannot drift apart.
 *
 * Declaring returns the bare route literals, so syncs keep matching `route: routes.start`
 * as plain strings; the declarations are kept by literal for the edge to look up.
 */
import type { z } from "zod";

/** An object schema for one part of a request (its keys are the part's fields). */
export type PartSchema = z.ZodObject;

export interface AnswerDeclaration {
  readonly description: string;
  /** The body's schema; none for an answer without a body. */
  readonly body?: z.ZodType;
  readonly example?: unknown;
}

/** Where a route takes the user it acts for (CONTRACTS.md: Identity). */
export type IdentitySource =
  /** From authentication: a bearer token's `sub`, or the `x-user-id` header with the API key (seeds 001, 002). */
  | "authentication"
  /** A `userId` field in the body or query, else the authenticated user (seed 004). */
  | "userId";

/** A follow-up call a success answer makes possible, e.g. pausing the session just started. */
export interface LinkDeclaration {
  /** The key of the linked route in the same `declareRoutes` group. */
  readonly to: string;
  readonly description: string;
  /** Path parameter name -> OpenAPI runtime expression, e.g. `$response.body#/session/id`. */
  readonly parameters: Readonly<Record<string, string>>;
}

export interface RouteDeclaration {
  /** The route literal syncs match on, e.g. `PATCH /api/v1/sessions/:sessionId`. */
  readonly route: string;
  /** One line, as the seed names the endpoint. */
  readonly summary: string;
  /** What it does, in the seed's words where it has them. */
  readonly description: string;
  readonly identity: IdentitySource;
  readonly params?: PartSchema;
  readonly query?: PartSchema;
  readonly body?: PartSchema;
  /** A request that succeeds (with `links` filling path parameters from an earlier answer). */
  readonly example?: { readonly params?: Readonly<Record<string, string>>; readonly query?: Readonly<Record<string, string>>; readonly body?: unknown };
  /** Every answer the route's syncs give, by status. */
  readonly answers: Readonly<Record<number, AnswerDeclaration>>;
  readonly links?: Readonly<Record<string, LinkDeclaration>>;
  /**
   * Served but not listed in `/openapi.json`: a path kept only to answer a seed's own error
   * (seed 004's `PATCH /api/v1/sessions` without an id answers "sessionId is required").
   */
  readonly undocumented?: boolean;
}

/** A dialect: its section in the docs, its refusal body, and its routes by key. */
export interface DialectDeclaration<K extends string = string> {
  /** The section title in `/docs` and the spec page's name, e.g. "Study Sessions (seed 004)". */
  readonly title: string;
  /** File name of its spec page under docs/api/, e.g. "study-sessions-v1". */
  readonly name: string;
  readonly description: string;
  /** The resource its routes answer (seed 004's "Session", seed 001's data model), shown on its spec page. */
  readonly model?: { readonly name: string; readonly schema: z.ZodType };
  /** The dialect's error body for a request its declaration refuses (400). */
  readonly refuse: (message: string) => unknown;
  readonly routes: Readonly<Record<K, RouteDeclaration>>;
}

/** A route's declaration as the edge looks it up, with its dialect and key. */
export interface DeclaredRoute extends RouteDeclaration {
  readonly dialect: DialectDeclaration;
  readonly key: string;
}

const declared = new Map<string, DeclaredRoute>();
const dialects: DialectDeclaration[] = [];

/**
 * Declares a dialect's routes and answers their literals by key (`routes.start` is
 * `"POST /api/v1/sessions"`), for syncs to match on. A literal declared twice is a startup error.
 */
export function declareRoutes<const R extends Record<string, RouteDeclaration>>(
  dialect: Omit<DialectDeclaration<Extract<keyof R, string>>, "routes">,
  routes: R,
): { readonly [K in keyof R]: R[K]["route"] } {
  const whole: DialectDeclaration = { ...dialect, routes };
  const literals: Record<string, string> = {};
  for (const [key, route] of Object.entries(routes)) {
    const earlier = declared.get(route.route);
    if (earlier !== undefined && earlier.dialect.name !== whole.name) throw new Error(`route ${route.route} is declared by both ${earlier.dialect.name} and ${whole.name}`);
    declared.set(route.route, { ...route, dialect: whole, key });
    literals[key] = route.route;
  }
  const index = dialects.findIndex((known) => known.name === whole.name);
  if (index === -1) dialects.push(whole);
  else dialects[index] = whole;
  return literals as { readonly [K in keyof R]: R[K]["route"] };
}

/** The declaration of a route literal, if a dialect declared it. */
export function routeDeclaration(literal: string): DeclaredRoute | undefined {
  return declared.get(literal);
}

/** Every dialect declared so far (those whose routes module has been imported). */
export function declaredDialects(): readonly DialectDeclaration[] {
  return dialects;
}
