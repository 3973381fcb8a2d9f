/**
 * Concepts written without `static schemas` (the 6.1040 template's own style) still run: each
 * method becomes an operation (`_name` a query, any other an action) whose input is any JSON
 * object and whose output is passed on as the method gave it. Nothing is validated, which is
 * why they are marked here: the server warns about them at start and the OpenAPI document says
 * their bodies are unchecked. Adding `static schemas` later turns the checks on.
 */
import { z } from "zod";
import { action, query, type ConceptClass, type ConceptSchemas, type OperationSchema } from "./concept.ts";

const anyObject = z.record(z.string(), z.unknown());
const uncheckedSchemas = new WeakSet<OperationSchema>();
const uncheckedClasses = new WeakSet<object>();

/** Whether an operation's schema was made up for a concept that declares none. */
export function isUnchecked(schema: OperationSchema): boolean {
  return uncheckedSchemas.has(schema);
}

/** Whether the class was given made-up schemas (it declares none). */
export function hasUncheckedSchemas(conceptClass: object): boolean {
  return uncheckedClasses.has(conceptClass);
}

/** The public methods of a class's instances, own and inherited (not `constructor`, not `#private`). */
export function methodNames(conceptClass: abstract new (...args: never[]) => object): string[] {
  const names = new Set<string>();
  for (let prototype = conceptClass.prototype as object | null; prototype !== null && prototype !== Object.prototype; prototype = Object.getPrototypeOf(prototype)) {
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
      if (name !== "constructor" && typeof descriptor?.value === "function") names.add(name);
    }
  }
  return [...names].sort();
}

/** Accepting schemas for every method: `_name` a query answering rows, any other an action answering an object. */
export function uncheckedSchemasOf(conceptClass: abstract new (...args: never[]) => object): ConceptSchemas {
  const schemas: Record<string, OperationSchema> = {};
  for (const name of methodNames(conceptClass)) {
    const description = "Unchecked: this concept declares no schemas, so any JSON object is accepted and its result passed on as is.";
    const schema = name.startsWith("_")
      ? query({ input: anyObject, output: z.unknown(), description })
      : action({ input: anyObject, output: z.unknown(), description });
    uncheckedSchemas.add(schema);
    schemas[name] = schema;
  }
  return schemas;
}

/**
 * The class as a concept class: unchanged when it declares `conceptName` and `schemas`;
 * otherwise given `name` (default: the class name without "Concept") and unchecked schemas.
 */
export function asConceptClass(conceptClass: abstract new (...args: never[]) => object, name?: string): ConceptClass {
  const candidate = conceptClass as unknown as Partial<ConceptClass>;
  if (typeof candidate.conceptName === "string" && typeof candidate.schemas === "object" && candidate.schemas !== null) return candidate as ConceptClass;
  if (candidate.schemas === undefined) {
    Object.defineProperty(conceptClass, "schemas", { value: uncheckedSchemasOf(conceptClass), enumerable: true });
    uncheckedClasses.add(conceptClass);
  }
  if (typeof candidate.conceptName !== "string") {
    Object.defineProperty(conceptClass, "conceptName", { value: name ?? conceptClass.name.replace(/Concept$/, ""), enumerable: true });
  }
  return conceptClass as unknown as ConceptClass;
}
