/**
 * The types a concept spec writes (`String`, `Number`, `Flag`, `Date`, a generic as an id,
 * `list of T`, `"a" or "b"`, `T or null`, `{ field: T }`, `JSON`) as one small tree, and how
 * each reads back as spec text, as a TypeScript type and as a zod schema. The drift check
 * compares these trees, so two types are the same exactly when their `typeKey`s are.
 */

export type SpecType =
  | { kind: "id"; name: string }
  | { kind: "string" | "number" | "flag" | "date" | "json" }
  | { kind: "enum"; values: string[] }
  | { kind: "list"; of: SpecType }
  | { kind: "nullable"; of: SpecType }
  | { kind: "object"; fields: SpecField[] };

export interface SpecField {
  name: string;
  optional: boolean;
  type: SpecType;
}

/** The spec's words for the plain types (`Boolean` reads as `Flag`). */
export const plainTypeNames: Record<string, Exclude<SpecType["kind"], "id" | "enum" | "list" | "nullable" | "object">> = {
  String: "string",
  Number: "number",
  Flag: "flag",
  Boolean: "flag",
  Date: "date",
  JSON: "json",
};

/** The type as a spec writes it; an id keeps the name it was written with (a generic, a set's element, or `ID`). */
export function typeText(type: SpecType): string {
  switch (type.kind) {
    case "id":
      return type.name;
    case "string":
      return "String";
    case "number":
      return "Number";
    case "flag":
      return "Flag";
    case "date":
      return "Date";
    case "json":
      return "JSON";
    case "enum":
      return type.values.map((value) => JSON.stringify(value)).join(" or ");
    case "list":
      return `list of ${typeText(type.of)}`;
    case "nullable":
      return `${typeText(type.of)} or null`;
    case "object":
      return `{ ${type.fields.map(fieldText).join(", ")} }`;
  }
}

export function fieldText(field: SpecField): string {
  return `${field.name}${field.optional ? "?" : ""}: ${typeText(field.type)}`;
}

/** What the drift check compares: the type with every id the same and enumerations in any order. */
export function typeKey(type: SpecType): string {
  switch (type.kind) {
    case "id":
      return "ID";
    case "enum":
      return [...type.values].sort().map((value) => JSON.stringify(value)).join(" or ");
    case "list":
      return `list of ${typeKey(type.of)}`;
    case "nullable":
      return `${typeKey(type.of)} or null`;
    case "object":
      return `{ ${[...type.fields].sort((a, b) => a.name.localeCompare(b.name)).map((field) => `${field.name}${field.optional ? "?" : ""}: ${typeKey(field.type)}`).join(", ")} }`;
    default:
      return typeText(type);
  }
}

/** The TypeScript type of a stored value of this type. */
export function tsType(type: SpecType): string {
  switch (type.kind) {
    case "id":
    case "string":
      return "string";
    case "number":
      return "number";
    case "flag":
      return "boolean";
    case "date":
      return "Date";
    case "json":
      return "unknown";
    case "enum":
      return type.values.map((value) => JSON.stringify(value)).join(" | ");
    case "list": {
      const inner = tsType(type.of);
      return /[ |]/.test(inner) && !inner.startsWith("{") ? `(${inner})[]` : `${inner}[]`;
    }
    case "nullable":
      return `${tsType(type.of)} | null`;
    case "object":
      return `{ ${type.fields.map((field) => `${field.name}${field.optional ? "?" : ""}: ${tsType(field.type)}`).join("; ")} }`;
  }
}

/**
 * The zod schema of this type as source, using the shared pieces of `src/utils/schemas.ts`
 * (`id`, `instant`): an input takes a time as clients send it, an output answers a Date.
 */
export function zodSource(type: SpecType, side: "input" | "output"): string {
  switch (type.kind) {
    case "id":
      return "id";
    case "string":
      return "z.string()";
    case "number":
      return "z.number()";
    case "flag":
      return "z.boolean()";
    case "date":
      return side === "input" ? "instant" : "z.date()";
    case "json":
      return "z.unknown()";
    case "enum":
      return `z.enum([${type.values.map((value) => JSON.stringify(value)).join(", ")}])`;
    case "list":
      return `z.array(${zodSource(type.of, side)})`;
    case "nullable":
      return `${zodSource(type.of, side)}.nullable()`;
    case "object":
      return objectSource(type.fields, side);
  }
}

export function objectSource(fields: SpecField[], side: "input" | "output"): string {
  if (fields.length === 0) return "z.object({})";
  return `z.object({ ${fields.map((field) => `${field.name}: ${zodSource(field.type, side)}${field.optional ? ".optional()" : ""}`).join(", ")} })`;
}
