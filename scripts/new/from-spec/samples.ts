/** A value of a spec type as TypeScript source: what generated tests and syncs pass where they must pass something. */
import type { SpecField, SpecType } from "../../spec/format/types.ts";

/** `now` is the source of a Date where the code has one (`clock.now()` in a test). */
export function sampleObject(fields: SpecField[], now: string): string {
  const required = fields.filter((field) => !field.optional);
  return required.length === 0 ? "{}" : `{ ${required.map((field) => `${field.name}: ${sample(field.type, field.name, now)}`).join(", ")} }`;
}

export function sample(type: SpecType, name: string, now: string): string {
  switch (type.kind) {
    case "id":
      return JSON.stringify(`${name}-1`);
    case "string":
      return JSON.stringify(name);
    case "number":
      return "1";
    case "flag":
      return "true";
    case "date":
      return now;
    case "json":
    case "nullable":
      return "null";
    case "enum":
      return JSON.stringify(type.values[0]);
    case "list":
      return "[]";
    case "object":
      return sampleObject(type.fields, now);
  }
}
