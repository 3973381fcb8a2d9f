/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests
 * (concept routes) and from the route literals syncs declare (REST dialect routes).
 */
import { z } from "zod";
import type { ConceptOperation } from "./concept-routes.ts";
import { idempotencyHeader } from "./idempotency/key.ts";
import { openApiPath, pathParameters, type RestRoute } from "./rest-routes.ts";

type JsonSchema = Record<string, unknown>;
type OpenApiOperation = Record<string, unknown>;

const errorBody: JsonSchema = {
  type: "object",
  properties: { error: { type: "string" } },
  required: ["error"],
};

const errorResponses = {
  "400": errorResponse("Bad input or a violated precondition"),
  "401": errorResponse("Missing or wrong credentials"),
  "403": errorResponse("Acting on another user's data, or an action only syncs may run"),
  "404": errorResponse("Unknown route or record"),
  "409": errorResponse("Conflict, such as a second running session"),
  "413": errorResponse("Body over the size limit"),
};

/** On every mutating route (actions, and REST routes other than GET); see idempotency/retries.ts. */
const idempotencyParameter = {
  name: idempotencyHeader,
  in: "header",
  required: false,
  description:
    "1 to 255 printable ASCII characters, unique per request (a UUID). A retry with the same key by the same caller answers " +
    "the first answer again (kept 24 hours, with `Idempotent-Replayed: true`) instead of acting twice; the same key with a " +
    "different request answers 422; while the first still runs, a retry waits for it or answers 409.",
  schema: { type: "string", minLength: 1, maxLength: 255 },
};

const retryResponses = {
  "409": errorResponse("Conflict, such as a second running session, or a request with this Idempotency-Key still running"),
  "422": errorResponse("This Idempotency-Key was used for a different request"),
};

export interface OpenApiSources {
  operations: readonly ConceptOperation[];
  restRoutes: readonly RestRoute[];
}

export function openApiDocument({ operations, restRoutes }: OpenApiSources): Record<string, unknown> {
  const paths: Record<string, Record<string, OpenApiOperation>> = {};
  for (const operation of operations) paths[operation.path] = { post: conceptOperation(operation) };
  const tags = restTags(restRoutes);
  for (const route of restRoutes) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: restOperation(route, tags.get(route) ?? route.path) };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "focus-backend",
      version: "0.1.0",
      description:
        "Focus sessions, timers, statistics, streaks and badges. Concept endpoints are `POST /api/<Concept>/<operation>`; " +
        "the REST dialects of the seeds are served by synchronizations. Authenticate with `x-api-key` (a trusted service, " +
        "which names the user itself) or `Authorization: Bearer <JWT>` (the token's `sub` is the user).",
    },
    components: {
      securitySchemes: {
        apiKey: { type: "apiKey", in: "header", name: "x-api-key" },
        bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
      },
    },
    security: [{ apiKey: [] }, { bearer: [] }],
    paths,
  };
}

function conceptOperation({ concept, name, schema }: ConceptOperation): OpenApiOperation {
  const output = jsonSchema(schema.output, "output");
  const notes = schema.kind === "action" && schema.syncOnly === true ? " Only synchronizations and trusted services may run it." : "";
  return {
    tags: [concept],
    operationId: `${concept}.${name}`,
    summary: schema.description ?? `${schema.kind === "query" ? "Query" : "Action"} ${concept}.${name}`,
    description: `${schema.kind === "query" ? "A query: answers an array of rows." : "An action: runs the syncs it triggers."}${notes}`,
    ...(schema.kind === "action" ? { parameters: [idempotencyParameter] } : {}),
    requestBody: { required: true, content: { "application/json": { schema: jsonSchema(schema.input, "input") } } },
    responses: {
      "200": {
        description: schema.kind === "query" ? "The matching rows" : "The action's result",
        content: { "application/json": { schema: schema.kind === "query" ? { type: "array", items: output } : output } },
      },
      ...errorResponses,
      ...(schema.kind === "action" ? retryResponses : {}),
    },
  };
}

function restOperation(route: RestRoute, tag: string): OpenApiOperation {
  const hasBody = route.method !== "GET" && route.method !== "DELETE";
  return {
    tags: [tag],
    operationId: route.literal,
    summary: route.literal,
    description: "Served by synchronizations on Requesting.request; see the README for this dialect.",
    parameters: [
      ...pathParameters(route.path).map((name) => ({ name, in: "path", required: true, schema: { type: "string" } })),
      {
        name: "x-user-id",
        in: "header",
        required: false,
        description: "With the service key: the user the request acts for, where the seed takes the user from authentication.",
        schema: { type: "string" },
      },
      ...(route.method === "GET" ? [] : [idempotencyParameter]),
    ],
    ...(hasBody ? { requestBody: { required: false, content: { "application/json": { schema: { type: "object" } } } } } : {}),
    responses: {
      "200": { description: "Success", content: { "application/json": { schema: {} } } },
      ...errorResponses,
      ...(route.method === "GET" ? {} : retryResponses),
    },
  };
}

/**
 * Groups REST routes under the shortest literal prefix they share with other routes
 * (`/api/v1/sessions` for `/api/v1/sessions/summary` and `/api/v1/sessions/:id`), so each
 * dialect gets its own section without this code knowing the dialects.
 */
function restTags(routes: readonly RestRoute[]): Map<RestRoute, string> {
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

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: "any",
    override: (context) => {
      // JSON has no dates: they travel as ISO 8601 strings, both ways.
      if (context.zodSchema._zod.def.type === "date") Object.assign(context.jsonSchema, { type: "string", format: "date-time" });
    },
  });
  return rest;
}

function errorResponse(description: string) {
  return { description, content: { "application/json": { schema: errorBody } } };
}
