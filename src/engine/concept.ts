/**
 * The shape every concept shares. A concept declares each action and query once, as zod
 * schemas; its class implements them as methods taking one object. Everything else
 * (TypeScript types, HTTP validation, OpenAPI, sync typing) derives from these schemas.
 */
import type { Db } from "mongodb";
import type { z } from "zod";

/**
 * Why an expected failure happened, so an edge can answer it well (HTTP: 400, 404, 403, 409)
 * without parsing the message. Absent means "invalid": bad input or a violated precondition.
 */
export type ErrorReason = "invalid" | "not_found" | "forbidden" | "conflict";

/** An expected failure: a value syncs can match on, never an exception. */
export type ErrorOutput = { error: string; reason?: ErrorReason };

/**
 * A request that succeeds, shown in `/docs` and run by its test: `input` as it stands, or,
 * where it names a record, once `after` (an operation of the same concept, perhaps itself
 * after another) has run with its own example: the fields of `input` that the first of that
 * chain answers (the record it made: `session`, `timerId`) take their values from its answer.
 */
export interface OperationExample<I = unknown> {
  readonly input: I;
  readonly after?: string;
}

export interface ActionSchema<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly kind: "action";
  readonly input: I;
  readonly output: O;
  readonly description?: string;
  /** Only synchronizations (or a trusted service) may run it; user tokens get 403. */
  readonly syncOnly?: boolean;
  readonly example?: OperationExample;
}

export interface QuerySchema<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly kind: "query";
  readonly input: I;
  /** The schema of one row; a query answers an array of rows. */
  readonly output: O;
  readonly description?: string;
  /**
   * The class also answers it in batches as it reads them, from a method named
   * `<query>Batches` (see `QueryBatchesMethod`): an edge then streams a long answer instead of
   * holding it whole. Direct calls and where-clauses still get the whole array.
   */
  readonly batched?: boolean;
  /**
   * The class also answers many inputs in one call, from a method named `<query>Many` (see
   * `QueryManyMethod`): reads of one turn with different inputs (one user's summary each, for
   * fifty users) are then asked together, where a hand-written handler sends them one by one.
   */
  readonly many?: boolean;
  readonly example?: OperationExample;
}

export type OperationSchema = ActionSchema | QuerySchema;
export type ConceptSchemas = Record<string, OperationSchema>;

export function action<I extends z.ZodType, O extends z.ZodType>(definition: {
  input: I;
  output: O;
  description?: string;
  syncOnly?: boolean;
  example?: OperationExample<z.input<I>>;
}): ActionSchema<I, O> {
  return { kind: "action", ...definition };
}

export function query<I extends z.ZodType, O extends z.ZodType>(definition: {
  input: I;
  output: O;
  description?: string;
  batched?: boolean;
  many?: boolean;
  example?: OperationExample<z.input<I>>;
}): QuerySchema<I, O> {
  return { kind: "query", ...definition };
}

export type InputOf<S extends OperationSchema> = z.infer<S["input"]>;
export type OutputOf<S extends OperationSchema> = z.infer<S["output"]>;

/** The method an action schema asks for: one object in, one object or `{ error }` out. */
export type ActionMethod<S extends ActionSchema> = (input: InputOf<S>) => Promise<OutputOf<S> | ErrorOutput>;
/** The method a query schema asks for: one object in, an array of rows (or `{ error }`) out. */
export type QueryMethod<S extends QuerySchema> = (input: InputOf<S>) => Promise<OutputOf<S>[] | ErrorOutput>;

/**
 * Rows a concept has written as JSON itself: the UTF-8 bytes of the rows' JSON joined by
 * commas, and how many rows. A batch may be one when the concept reads its rows as bytes (the
 * driver's `raw: true`, then `utils/bson-json.ts`): an edge writes the bytes as they are, where
 * building each row as an object only to stringify and encode it cost a long history more
 * than its reading.
 */
export class JsonRows {
  constructor(
    readonly json: Uint8Array,
    readonly count: number,
  ) {}

  /** The rows of `texts` (each one row's JSON). */
  static of(texts: readonly string[]): JsonRows {
    return new JsonRows(new TextEncoder().encode(texts.join(",")), texts.length);
  }

  /** The rows' JSON as text. */
  text(): string {
    return new TextDecoder().decode(this.json);
  }
}

/** One batch of rows: the rows, or their JSON (see `JsonRows`). */
export type RowBatch<Row = unknown> = readonly Row[] | JsonRows;

/** A batch's rows as values; rows written as JSON are parsed, so their dates are ISO strings, as a client reads them. */
export function rowsOfBatch<Row>(batch: RowBatch<Row>): readonly Row[] | unknown[] {
  return batch instanceof JsonRows ? (JSON.parse(`[${batch.text()}]`) as unknown[]) : batch;
}

/** The `<query>Many` method of a query declared `many`: for each input, in order, what the query answers it (its rows or `{ error }`). */
export type QueryManyMethod<S extends QuerySchema> = (inputs: readonly InputOf<S>[]) => Promise<(OutputOf<S>[] | ErrorOutput)[]>;

/** Rows in batches, in answer order: what a batched query's `<query>Batches` method answers. */
export type RowBatches<Row = unknown> = AsyncIterable<RowBatch<Row>> | Iterable<RowBatch<Row>>;
/** The `<query>Batches` method of a batched query: the same rows as the query, in batches as read (or `{ error }` before any). */
export type QueryBatchesMethod<S extends QuerySchema> = (input: InputOf<S>) => Promise<RowBatches<OutputOf<S>> | ErrorOutput>;

/** What a concept class must implement for its schemas, checked by `implements`. */
export type ConceptImplementation<S extends ConceptSchemas> = {
  [K in keyof S]: S[K] extends ActionSchema ? ActionMethod<S[K]> : S[K] extends QuerySchema ? QueryMethod<S[K]> : never;
};

/** Time comes from here, so tests can travel through days. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

export interface ConceptOptions {
  clock?: Clock;
}

/** A concept class as the engine and the HTTP edge discover it. */
export interface ConceptClass<S extends ConceptSchemas = ConceptSchemas> {
  new (db: Db, options?: ConceptOptions): ConceptImplementation<S>;
  /** The name in routes, collection prefixes and action records, e.g. "FocusSession". */
  readonly conceptName: string;
  readonly schemas: S;
  /** Whether `POST /api/<Name>/<op>` serves it (the HTTP request concept says false). */
  readonly exposeOverHttp?: boolean;
  /**
   * Its state lives in this process's memory only (the HTTP request concept): lost with the
   * process, so the durable log neither writes its actions ahead nor keeps a flow that
   * changed nothing else.
   */
  readonly ephemeral?: boolean;
}

export function isErrorOutput(value: unknown): value is ErrorOutput {
  return typeof value === "object" && value !== null && typeof (value as { error?: unknown }).error === "string";
}
