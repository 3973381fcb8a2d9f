/** zod schemas as the JSON Schema (2020-12) that OpenAPI 3.1 and the spec pages show. */
import { z } from "zod";

export type JsonSchema = Record<string, unknown>;

/** `io` picks the side: what a client may send ("input") or what the server answers ("output", closed objects). */
export function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
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

/** The `{ error }` body every failure has at least. */
export const errorBodySchema: JsonSchema = {
  type: "object",
  properties: { error: { type: "string" } },
  required: ["error"],
};

/**
 * A value the schema accepts, for operations that have no example of their own (the concept
 * routes): ids read as their field (`user` -> "user-1"), times as one ISO instant, numbers
 * at their lower bound, enums as their first value, optional fields left out.
 */
export function exampleOf(schema: JsonSchema, name = "value"): unknown {
  if (Array.isArray(schema["enum"])) return schema["enum"][0];
  if ("const" in schema) return schema["const"];
  const choices = (schema["anyOf"] ?? schema["oneOf"]) as JsonSchema[] | undefined;
  if (choices !== undefined && choices.length > 0) return exampleOf(choices.find((choice) => choice["type"] !== "null") ?? choices[0]!, name);
  const type = Array.isArray(schema["type"]) ? (schema["type"] as string[]).find((kind) => kind !== "null") : schema["type"];
  switch (type) {
    case "string":
      return schema["format"] === "date-time" ? "2025-10-20T14:00:00.000Z" : `${name}-1`;
    case "number":
    case "integer": {
      const minimum = (schema["minimum"] as number | undefined) ?? ((schema["exclusiveMinimum"] as number | undefined) ?? 0) + 1;
      return Math.max(minimum, 1);
    }
    case "boolean":
      return true;
    case "array":
      return schema["items"] === undefined ? [] : [exampleOf(schema["items"] as JsonSchema, name)];
    case "object": {
      const properties = (schema["properties"] ?? {}) as Record<string, JsonSchema>;
      const required = (schema["required"] ?? []) as string[];
      return Object.fromEntries(required.filter((key) => key in properties).map((key) => [key, exampleOf(properties[key]!, key)]));
    }
    default:
      return null;
  }
}
