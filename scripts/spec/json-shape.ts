/**
 * A JSON Schema drawn as the seeds draw bodies: each field with its type in words
 * (`"durationMs": "number"`), ids as "ID", times as "Date", `| null` where null is allowed.
 */
import type { JsonSchema } from "../../src/edges/http/json-schema.ts";
import { idMaxLength } from "../../src/utils/schemas.ts";

export function shapeOf(schema: JsonSchema): unknown {
  const choices = (schema["anyOf"] ?? schema["oneOf"]) as JsonSchema[] | undefined;
  if (choices !== undefined) return union(choices.map(shapeOf));
  const types = Array.isArray(schema["type"]) ? (schema["type"] as string[]) : [schema["type"] as string | undefined];
  if (types.length === 1 && types[0] === "null") return "null";
  const shapes = types.filter((kind) => kind !== "null").map((kind) => shapeOfType(schema, kind));
  return union(types.includes("null") ? [...shapes, "null"] : shapes);
}

function shapeOfType(schema: JsonSchema, type: string | undefined): unknown {
  if (Array.isArray(schema["enum"])) return (schema["enum"] as unknown[]).map(String).join(" | ");
  if ("const" in schema) return String(schema["const"]);
  switch (type) {
    case "object": {
      const properties = (schema["properties"] ?? {}) as Record<string, JsonSchema>;
      const required = new Set((schema["required"] ?? []) as string[]);
      return Object.fromEntries(
        Object.entries(properties).map(([key, property]) => {
          const shape = shapeOf(property);
          return [key, required.has(key) || typeof shape !== "string" ? shape : `${shape} (optional)`];
        }),
      );
    }
    case "array":
      return [schema["items"] === undefined ? "any" : shapeOf(schema["items"] as JsonSchema)];
    case "string":
      if (schema["format"] === "date-time") return "Date";
      return schema["minLength"] === 1 && schema["maxLength"] === idMaxLength ? "ID" : "string";
    case "integer":
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    default:
      return "any";
  }
}

/** Alternatives in words; a structured one (object, array) stands for the whole. */
function union(shapes: unknown[]): unknown {
  const structured = shapes.find((shape) => typeof shape !== "string");
  if (structured !== undefined) return structured;
  return [...new Set(shapes as string[])].join(" | ");
}

export function jsonBlock(value: unknown): string {
  return ["```json", JSON.stringify(value, null, 2), "```"].join("\n");
}
