/**
 * A REST dialect's API page, in the manner of its seed's contract (base path, headers, data
 * model, then each endpoint with its parameters, body, answers and an example), generated
 * from the routes it declares beside its syncs.
 */
import type { z } from "zod";
import { jsonSchema } from "../../src/edges/http/json-schema.ts";
import type { DialectDeclaration, PartSchema, RouteDeclaration } from "../../src/edges/http/route-declarations.ts";
import { jsonBlock, shapeOf } from "./json-shape.ts";

export function dialectPage(dialect: DialectDeclaration): string {
  const routes = Object.values(dialect.routes).filter((route) => route.undocumented !== true);
  const lines = [
    `# ${dialect.title}`,
    "",
    "## Overview",
    "",
    dialect.description,
    "",
    "| Method | Endpoint | Description |",
    "|--------|----------|-------------|",
    ...routes.map((route) => {
      const [method, path] = route.route.split(" ") as [string, string];
      return `| ${method} | \`${path}\` | ${route.summary} |`;
    }),
    "",
    ...(dialect.model === undefined ? [] : [`## Data Model: ${dialect.model.name}`, "", jsonBlock(shapeOf(jsonSchema(dialect.model.schema, "output"))), ""]),
    "## Required Headers",
    "",
    "- `x-api-key: <API_KEY>` (a trusted service) or `Authorization: Bearer <JWT>` (its `sub` is the user)",
    "- `Content-Type: application/json` (for requests with a body)",
    "- `Idempotency-Key: <uuid>` (optional, on POST/PATCH/DELETE): a retry with the same key answers the first answer again",
    "",
    "## Endpoints",
    "",
  ];
  routes.forEach((route, index) => lines.push(...endpoint(route, index + 1), ""));
  return `${lines.join("\n").trimEnd()}\n`;
}

function endpoint(route: RouteDeclaration, number: number): string[] {
  const [method, path] = route.route.split(" ") as [string, string];
  const lines = [`### ${number}) ${route.summary}`, "", `- **${method}** \`${path}\``, `- **Purpose:** ${route.description}`];
  lines.push(`- **User:** ${route.identity === "authentication" ? "the bearer token's `sub`, or `x-user-id` with the API key" : "`userId` (body or query), or the bearer token's `sub`"}`);
  lines.push(...fields("Path params", route.params), ...fields("Query params", route.query), ...fields("Request body", route.body));
  for (const [status, answer] of Object.entries(route.answers)) {
    lines.push(`- **${status.startsWith("2") ? "Success" : "Error"} ${status}:** ${answer.description}`);
    if (answer.body !== undefined) lines.push("", indent(jsonBlock(shapeOf(jsonSchema(answer.body, "output"))), "  "), "");
  }
  const example = route.example;
  if (example !== undefined) {
    const query = example.query === undefined ? "" : `?${new URLSearchParams(example.query as Record<string, string>)}`;
    const concrete = path.replace(/:([A-Za-z0-9_]+)/g, (_match, name: string) => example.params?.[name] ?? `:${name}`);
    lines.push("- **Example**", "", indent(["```", `${method} ${concrete}${query}`, ...(example.body === undefined ? [] : ["", JSON.stringify(example.body, null, 2)]), "```"].join("\n"), "  "));
    const success = Object.entries(route.answers).find(([status]) => status.startsWith("2"));
    if (success?.[1].example !== undefined) lines.push("", `  Response ${success[0]}:`, "", indent(jsonBlock(success[1].example), "  "));
  }
  return lines;
}

/** One line per field: name, type in words, required or optional, and what it is. */
function fields(title: string, schema: PartSchema | undefined): string[] {
  if (schema === undefined) return [];
  const entries = Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => {
    const json = jsonSchema(field, "input");
    const shape = shapeOf(json);
    const optional = field.safeParse(undefined).success ? "optional" : "required";
    const about = typeof json["description"] === "string" ? `; ${json["description"]}` : "";
    return `  - \`${name}\`: ${typeof shape === "string" ? shape.replace(/ \(optional\)$/, "") : JSON.stringify(shape)} (${optional}${about})`;
  });
  return [`- **${title}**`, ...entries];
}

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line) => (line === "" ? line : `${prefix}${line}`))
    .join("\n");
}
