/**
 * Typed references to a concept's actions and queries, as syncs name them:
 * `FocusSession.end`, `FocusStats._viewStats`. A reference is plain data (concept and
 * operation names); the engine binds it to whichever instance it runs, so sync
 * declarations stay pure and can be reused by several engines (tests, servers).
 */
import type { ConceptClass, ConceptSchemas, InputOf, OutputOf } from "./concept.ts";

export interface OperationRef<Input = unknown, Output = unknown, Kind extends "action" | "query" = "action" | "query"> {
  readonly concept: string;
  readonly name: string;
  readonly kind: Kind;
  /** Phantom: carries the input and output types for sync patterns; never set. */
  readonly __types?: (input: Input) => Output;
}

export type ActionRef<Input = unknown, Output = unknown> = OperationRef<Input, Output, "action">;
export type QueryRef<Input = unknown, Row = unknown> = OperationRef<Input, Row, "query">;

export type ConceptRef<S extends ConceptSchemas> = {
  readonly [K in keyof S & string]: OperationRef<InputOf<S[K]>, OutputOf<S[K]>, S[K]["kind"]>;
};

/** The references for one concept class, e.g. `export const FocusSession = conceptRef(FocusSessionConcept)`. */
export function conceptRef<S extends ConceptSchemas>(concept: ConceptClass<S>): ConceptRef<S> {
  const refs: Record<string, OperationRef> = {};
  for (const [name, schema] of Object.entries(concept.schemas)) {
    refs[name] = Object.freeze({ concept: concept.conceptName, name, kind: schema.kind });
  }
  return Object.freeze(refs) as ConceptRef<S>;
}
