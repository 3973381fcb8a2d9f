/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests
 * (concept routes) and from the route literals syncs declare (REST dialect routes).
 */
import type { ConceptOperation } from "./concept-routes.ts";
import { idempotencyHeader } from "./idempotency/key.ts";
import { retentionHours } from "./idempotency/store.ts";
import { errorBodySchema as errorBody, exampleOf, jsonSchema } from "./json-schema.ts";
import { conceptLinks, exampleChain, type Links } from "./openapi-links.ts";
import { restOperations } from "./openapi-rest.ts";
import type { RestRoute } from "./rest-routes.ts";

type OpenApiOperation = Record<string, unknown>;

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
    `the first answer again (kept ${retentionHours} hours, with \`Idempotent-Replayed: true\`) instead of acting twice; the same key with a ` +
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
  const links = conceptLinks(operations);
  for (const operation of operations) {
    paths[operation.path] = { post: conceptOperation(operation, links.get(`${operation.concept}.${operation.name}`), exampleNote(operation, operations)) };
  }
  const rest = restOperations(restRoutes, idempotencyParameter);
  for (const [path, operations] of Object.entries(rest.paths)) paths[path] = { ...paths[path], ...operations };
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
    tags: rest.tags,
    paths,
  };
}

/** What a reader must run before an example that names a record, said beside it. */
function exampleNote(operation: ConceptOperation, operations: readonly ConceptOperation[]): string {
  const chain = exampleChain(operation, operations);
  if (chain === undefined) return "";
  const steps = [chain.maker, ...chain.between].map(({ concept, name }) => `${concept}/${name}`);
  return ` Its example acts on a record: run ${steps.join(", then ")} with ${steps.length === 1 ? "its example" : "their examples"} first, and use the ids ${steps[0]} answers (its answer links here).`;
}

function conceptOperation({ concept, name, schema }: ConceptOperation, links: Links | undefined, note: string): OpenApiOperation {
  const input = jsonSchema(schema.input, "input");
  const output = jsonSchema(schema.output, "output");
  const notes = schema.kind === "action" && schema.syncOnly === true ? " Only synchronizations and trusted services may run it." : "";
  return {
    tags: [concept],
    operationId: `${concept}.${name}`,
    summary: schema.description ?? `${schema.kind === "query" ? "Query" : "Action"} ${concept}.${name}`,
    description: `${schema.kind === "query" ? "A query: answers an array of rows." : "An action: runs the syncs it triggers."}${notes}${note}`,
    ...(schema.kind === "action" ? { parameters: [idempotencyParameter] } : {}),
    requestBody: { required: true, content: { "application/json": { schema: input, example: schema.example?.input ?? exampleOf(input) } } },
    responses: {
      "200": {
        description: schema.kind === "query" ? "The matching rows" : "The action's result",
        content: { "application/json": { schema: schema.kind === "query" ? { type: "array", items: output } : output } },
        ...(links === undefined ? {} : { links }),
      },
      ...errorResponses,
      ...(schema.kind === "action" ? retryResponses : {}),
    },
  };
}

function errorResponse(description: string) {
  return { description, content: { "application/json": { schema: errorBody } } };
}
