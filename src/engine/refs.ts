/**
 * Typed references to a concept's actions and queries, as syncs name them:
 * `FocusSession.end`, `FocusStats._viewStats`. A reference is data (concept and operation
 * names); the engine binds it to whichever instance it runs, so sync declarations stay pure
 * and can be reused by several engines (tests, servers). A query reference is also callable
 * (`await FocusStats._viewStats({ user })`), for where-clauses written as in the template.
 */
import type { ConceptSchemas, InputOf, OutputOf } from "./concept.ts";
import { runDirectAction, runDirectQuery } from "./direct-calls.ts";
import { asConceptClass } from "./unchecked.ts";

export interface OperationRef<Input = unknown, Output = unknown, Kind extends "action" | "query" = "action" | "query"> {
  readonly concept: string;
  readonly name: string;
  readonly kind: Kind;
  /** Phantom: carries the input and output types for sync patterns; never set. */
  readonly __types?: (input: Input) => Output;
}

export type ActionRef<Input = unknown, Output = unknown> = OperationRef<Input, Output, "action">;
export type QueryRef<Input = unknown, Row = unknown> = OperationRef<Input, Row, "query">;

/** A query reference called directly: the rows for this input (an `{ error }` answer throws). */
export type CallableQueryRef<Input = unknown, Row = unknown> = QueryRef<Input, Row> & ((input: Input) => Promise<Row[]>);

type RefOf<Input, Output, Kind> = Kind extends "query" ? CallableQueryRef<Input, Output> : OperationRef<Input, Output, "action">;

export type ConceptRef<S extends ConceptSchemas> = {
  readonly [K in keyof S & string]: RefOf<InputOf<S[K]>, OutputOf<S[K]>, S[K]["kind"]>;
};

type Fields = Record<string, unknown>;
type MethodNames<T> = { [K in keyof T & string]: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T & string];

/**
 * The references of a class without schemas: one per method, any object in and out for
 * patterns (nothing is checked), and callable with the method's own signature, as the
 * template's instrumented concepts are (`await Catalog._byOwner({ owner })` answers what the
 * method returns).
 */
export type UncheckedConceptRef<T> = {
  readonly [K in MethodNames<T>]: T[K] & (K extends `_${string}` ? QueryRef<Fields, Fields> : ActionRef<Fields, Fields>);
};

/** A class's references: typed by its `static schemas`, or one unchecked reference per method when it has none. */
export type RefsOf<C> = C extends { readonly schemas: infer S extends ConceptSchemas }
  ? ConceptRef<S>
  : C extends abstract new (...args: never[]) => infer T
    ? UncheckedConceptRef<T>
    : never;

/**
 * The references for one concept class, e.g. `export const FocusSession = conceptRef(FocusSessionConcept)`.
 * A class without `static schemas` (the template's style) gets a reference for each method, unchecked.
 */
export function conceptRef<C extends abstract new (...args: never[]) => object>(concept: C, name?: string): RefsOf<C> {
  const conceptClass = asConceptClass(concept, name);
  const refs: Record<string, OperationRef> = {};
  for (const [operation, schema] of Object.entries(conceptClass.schemas)) {
    refs[operation] = callableRef(conceptClass.conceptName, operation, schema.kind);
  }
  return Object.freeze(refs) as RefsOf<C>;
}

/** A reference that can also be called (see direct-calls.ts): a query answers its rows, an action runs as a flow of its own. */
function callableRef(concept: string, name: string, kind: "action" | "query"): OperationRef {
  const call = kind === "query" ? (input: object) => runDirectQuery(concept, name, input) : (input: object) => runDirectAction(concept, name, input);
  Object.defineProperty(call, "name", { value: name });
  return Object.freeze(Object.assign(call, { concept, kind }));
}
