/**
 * The OpenAPI operations of the REST dialect routes, from their declarations
 * (route-declarations.ts): each route's parameters, body, answers, examples and links, with
 * the answers the HTTP edge itself gives every route (credentials, identity, body size,
 * retries) merged in. A route no dialect declared is documented as what it is: undeclared.
 */
import type { z } from "zod";
import { errorBodySchema, jsonSchema, type JsonSchema } from "./json-schema.ts";
import { openApiPath, pathParameters, type RestRoute } from "./rest-routes.ts";
import { routeDeclaration, type AnswerDeclaration, type DeclaredRoute, type PartSchema } from "./route-declarations.ts";

type OpenApiOperation = Record<string, unknown>;
interface OpenApiResponse {
  description: string;
  content?: { "application/json": { schema: JsonSchema; example?: unknown } };
  links?: Record<string, unknown>;
}

export interface RestOperations {
  paths: Record<string, Record<string, OpenApiOperation>>;
  tags: { name: string; description: string }[];
}

/** What the edge answers on every route before (or instead of) its syncs. */
const edgeAnswers: Readonly<Record<string, string>> = {
  400: "A body that is not a JSON object, a key or string that cannot be stored, an x-user-id that is not an id, or an X-Time-Zone that is not a time zone",
  401: "Missing or wrong credentials",
  403: "A bearer token naming another user (userId, user_id, user or x-user-id)",
};
const bodyTooLarge = "Body over the size limit";
const retryAnswers: Readonly<Record<string, string>> = {
  409: "A request with this Idempotency-Key is still running",
  422: "This Idempotency-Key was used for a different request",
};

export function restOperations(routes: readonly RestRoute[], idempotencyParameter: object): RestOperations {
  const paths: RestOperations["paths"] = {};
  const tags = new Map<string, string>();
  const undeclared = routes.filter((route) => routeDeclaration(route.literal) === undefined);
  const groups = basePathGroups(undeclared);
  for (const route of routes) {
    const declaration = routeDeclaration(route.literal);
    if (declaration?.undocumented === true) continue;
    const operation = declaration === undefined ? undeclaredOperation(route, groups.get(route) ?? route.path) : declaredOperation(route, declaration, routes);
    if (route.method !== "GET") (operation["parameters"] as object[]).push(idempotencyParameter);
    if (declaration !== undefined) tags.set(declaration.dialect.title, declaration.dialect.description);
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation };
  }
  return { paths, tags: [...tags].map(([name, description]) => ({ name, description })) };
}

/** The operationId of a declared route, e.g. `study-sessions-v1.start`; links name it. */
export function operationIdOf(declaration: Pick<DeclaredRoute, "dialect" | "key">): string {
  return `${declaration.dialect.name}.${declaration.key}`;
}

function declaredOperation(route: RestRoute, declaration: DeclaredRoute, routes: readonly RestRoute[]): OpenApiOperation {
  const { example = {}, body } = declaration;
  const parameters = [
    ...fieldParameters(declaration.params, "path", example.params),
    ...fieldParameters(declaration.query, "query", example.query),
    ...(declaration.identity === "authentication" ? [userHeader] : []),
    zoneHeader,
  ];
  const responses: Record<string, OpenApiResponse> = {};
  for (const [status, answer] of Object.entries(declaration.answers)) responses[status] = declaredResponse(answer);
  for (const [name, link] of Object.entries(declaration.links ?? {})) {
    const success = Object.keys(declaration.answers).find((status) => status.startsWith("2"));
    const target = declaration.dialect.routes[link.to];
    if (success === undefined || target === undefined || !routes.some((known) => known.literal === target.route)) continue;
    const response = responses[success]!;
    response.links = { ...response.links, [name]: { operationId: operationIdOf({ dialect: declaration.dialect, key: link.to }), parameters: link.parameters, description: link.description } };
  }
  const edge: Record<string, string> = { ...edgeAnswers, ...(body === undefined ? {} : { 413: bodyTooLarge }), ...(route.method === "GET" ? {} : retryAnswers) };
  for (const [status, description] of Object.entries(edge)) responses[status] = mergeResponse(responses[status], description);
  return {
    tags: [declaration.dialect.title],
    operationId: operationIdOf(declaration),
    summary: declaration.summary,
    description: `${declaration.description}\n\n${identityNote[declaration.identity]}`,
    parameters,
    ...(body === undefined
      ? {}
      : {
          requestBody: {
            required: !body.safeParse({}).success,
            content: { "application/json": { schema: jsonSchema(body, "input"), ...(example.body === undefined ? {} : { example: example.body }) } },
          },
        }),
    responses,
  };
}

const identityNote = {
  authentication: "The user is the bearer token's `sub`, or, with the API key, the `x-user-id` header.",
  userId: "The user is `userId` (body or query); it may be left out with a bearer token, whose `sub` is the user.",
};

const userHeader = {
  name: "x-user-id",
  in: "header",
  required: false,
  description: "With the API key: the user the request acts for (required then). With a bearer token: leave out, or the token's own user.",
  schema: { type: "string", minLength: 1, maxLength: 200 },
  example: "user-123",
};

const zoneHeader = {
  name: "X-Time-Zone",
  in: "header",
  required: false,
  description:
    "Where the user is: an IANA time zone name (any case; stored canonical), not an abbreviation such as EST. A completed session counts on the calendar day " +
    "its end falls on in this zone; left out, the zone the user named last, else UTC. A timeZone field in the body, where the route takes one, wins.",
  schema: { type: "string", maxLength: 64 },
  example: "America/New_York",
};

function fieldParameters(schema: PartSchema | undefined, where: "path" | "query", examples: Readonly<Record<string, string>> = {}): object[] {
  if (schema === undefined) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => {
    const fieldSchema = jsonSchema(field, "input");
    return {
      name,
      in: where,
      required: where === "path" || !field.safeParse(undefined).success,
      ...(typeof fieldSchema["description"] === "string" ? { description: fieldSchema["description"] } : {}),
      schema: fieldSchema,
      ...(examples[name] === undefined ? {} : { example: examples[name] }),
    };
  });
}

function declaredResponse({ description, body, example }: AnswerDeclaration): OpenApiResponse {
  if (body === undefined) return { description };
  return { description, content: { "application/json": { schema: jsonSchema(body, "output"), ...(example === undefined ? {} : { example }) } } };
}

/**
 * The edge's own answer for a status merged into the route's: one description, and a body
 * that is either the route's (a dialect's envelope) or the edge's `{ error }`.
 */
function mergeResponse(declared: OpenApiResponse | undefined, description: string): OpenApiResponse {
  const edge = { schema: errorBodySchema };
  if (declared === undefined) return { description, content: { "application/json": edge } };
  const content = declared.content?.["application/json"];
  if (content === undefined) return { ...declared, description: `${declared.description}; or: ${description}`, content: { "application/json": edge } };
  const same = JSON.stringify(content.schema) === JSON.stringify(errorBodySchema) || isErrorObject(content.schema);
  return {
    ...declared,
    description: `${declared.description}; or: ${description}`,
    content: { "application/json": { ...content, schema: same ? content.schema : { anyOf: [content.schema, errorBodySchema] } } },
  };
}

/** `{ error: string }` closed: the edge's `{ error }` fits it exactly. */
function isErrorObject(schema: JsonSchema): boolean {
  const properties = schema["properties"] as Record<string, unknown> | undefined;
  return properties !== undefined && Object.keys(properties).length === 1 && JSON.stringify(properties["error"]) === JSON.stringify({ type: "string" });
}

/** A route served by the bridge that no dialect declared (a test's, a student's first route). */
function undeclaredOperation(route: RestRoute, tag: string): OpenApiOperation {
  return {
    tags: [tag],
    operationId: route.literal,
    summary: route.literal,
    description: "Undeclared: served by synchronizations on Requesting.request, with no shapes declared for it yet (see src/edges/http/route-declarations.ts).",
    parameters: [
      ...pathParameters(route.path).map((name) => ({ name, in: "path", required: true, schema: { type: "string" } })),
      userHeader,
    ],
    ...(route.method === "GET" || route.method === "DELETE" ? {} : { requestBody: { required: false, content: { "application/json": { schema: { type: "object" } } } } }),
    responses: {
      "200": { description: "Success", content: { "application/json": { schema: {} } } },
      ...Object.fromEntries(Object.entries(edgeAnswers).map(([status, description]) => [status, mergeResponse(undefined, description)])),
    },
  };
}


/**
 * Groups undeclared routes under the shortest literal prefix they share with other routes
 * (`/echo` for `/echo/special` and `/echo/:what`), so each gets a section without this code
 * knowing them.
 */
function basePathGroups(routes: readonly RestRoute[]): Map<RestRoute, string> {
  const prefixes = routes.map((route) => literalPrefix(route.path));
  const tags = new Map<RestRoute, string>();
  routes.forEach((route, index) => {
    const own = prefixes[index]!;
    const shortest = prefixes.filter((prefix) => own === prefix || own.startsWith(`${prefix}/`)).sort((a, b) => a.length - b.length)[0];
    tags.set(route, shortest ?? own);
  });
  return tags;
}

function literalPrefix(path: string): string {
  const index = path.indexOf("/:");
  return index === -1 ? path : path.slice(0, index) || "/";
}
