/**
 * A concept's zod schema read back as spec types, so that the code's schemas and the spec's
 * signatures can be compared (and signatures written from code). Ids are strings of 1 to
 * `idMaxLength` characters (`id`), a time is a Date or whatever a pipe turns into one
 * (`instant`); refinements and bounds are the code's detail, not the spec's.
 */
import type { z } from "zod";
import { idMaxLength } from "../../../src/utils/schemas.ts";
import type { SpecField, SpecType } from "./types.ts";

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string>;
  values?: unknown[];
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
}

function defOf(schema: z.ZodType): Def {
  return schema._zod.def as unknown as Def;
}

/** The fields of an object schema (an operation's input or output), in order. */
export function fieldsOfZod(schema: z.ZodType, side: "input" | "output"): SpecField[] {
  const type = specTypeOfZod(schema, side);
  return type.kind === "object" ? type.fields : [];
}

export function specTypeOfZod(schema: z.ZodType, side: "input" | "output", idName = "ID"): SpecType {
  const def = defOf(schema);
  switch (def.type) {
    case "optional":
    case "default":
    case "prefault":
    case "nonoptional":
    case "readonly":
    case "catch":
      return specTypeOfZod(def.innerType!, side, idName);
    case "nullable": {
      const inner = specTypeOfZod(def.innerType!, side, idName);
      return inner.kind === "nullable" ? inner : { kind: "nullable", of: inner };
    }
    case "pipe": {
      // A pipe into a transform (a time as clients send it, made a Date) reads as what it accepts.
      const accepted = specTypeOfZod(def.in!, side, idName);
      const made = defOf(def.out!).type === "transform" ? accepted : specTypeOfZod(def.out!, side, idName);
      return side === "input" ? accepted : made;
    }
    case "union": {
      const present = def.options!.filter((option) => defOf(option).type !== "null");
      const type = unionOf(present.map((option) => specTypeOfZod(option, side, idName)));
      return present.length < def.options!.length && type.kind !== "nullable" ? { kind: "nullable", of: type } : type;
    }
    case "enum":
      return { kind: "enum", values: Object.values(def.entries!) };
    case "literal":
      return { kind: "enum", values: def.values!.map(String) };
    case "string":
      return isIdString(schema) ? { kind: "id", name: idName } : { kind: "string" };
    case "number":
    case "int":
    case "bigint":
      return { kind: "number" };
    case "boolean":
      return { kind: "flag" };
    case "date":
      return { kind: "date" };
    case "array":
      return { kind: "list", of: specTypeOfZod(def.element!, side, idName) };
    case "object":
      return {
        kind: "object",
        fields: Object.entries(def.shape!).map(([name, field]) => ({ name, optional: isOptional(field, side), type: specTypeOfZod(field, side, idName) })),
      };
    default:
      return { kind: "json" };
  }
}

function isIdString(schema: z.ZodType): boolean {
  const { minLength, maxLength } = schema as unknown as { minLength: number | null; maxLength: number | null };
  return minLength === 1 && maxLength === idMaxLength;
}

function isOptional(field: z.ZodType, side: "input" | "output"): boolean {
  const type = defOf(field).type;
  return type === "optional" || (side === "input" && type === "default");
}

/** A union (nulls aside) as the spec can say it: a time (any union that takes a Date), an enumeration, or one type. */
function unionOf(choices: SpecType[]): SpecType {
  if (choices.some((choice) => choice.kind === "date")) return { kind: "date" };
  if (choices.every((choice) => choice.kind === "enum")) return { kind: "enum", values: choices.flatMap((choice) => (choice.kind === "enum" ? choice.values : [])) };
  return choices.length === 1 ? choices[0]! : { kind: "json" };
}
