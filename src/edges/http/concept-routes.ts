/**
 * `POST /api/<Concept>/<action>` and `POST /api/<Concept>/<_query>`, for every concept that
 * is served over HTTP, built from each concept's schemas: nothing here names a concept.
 * Actions run through the engine, so the syncs they trigger fire; queries answer arrays.
 */
import type { Context, Hono, MiddlewareHandler } from "hono";
import type { Logger } from "pino";
import { isErrorOutput, type ConceptClass, type ErrorReason, type OperationSchema } from "../../engine/concept.ts";
import { HttpError, statusForReason } from "./errors.ts";
import type { HttpEngine } from "./engine-port.ts";
import { invokeOptions } from "./idempotency/retries.ts";
import { refuseOtherUsers, withTokenUser } from "./identity.ts";
import { readJsonBody } from "./input.ts";
import { principalOf, type HttpEnv } from "./principal.ts";
import { flowHeader } from "./provenance-route.ts";
import { checkInput, checkTimes, inputFields, timeFields } from "./validation.ts";
import { jsonRows } from "./json-rows.ts";
import { isUnchecked } from "../../engine/unchecked.ts";
import { timeZoneHeader, withHeaderZone } from "./time-zone-header.ts";

export interface ConceptOperation {
  readonly concept: string;
  readonly name: string;
  readonly schema: OperationSchema;
  readonly path: string;
}

/** What the HTTP edge reads of a concept class: its name, schemas and whether it is served. */
export type ConceptDescription = Pick<ConceptClass, "conceptName" | "schemas" | "exposeOverHttp">;

/** Every operation of every concept that `exposeOverHttp` does not exclude. */
export function servedOperations(concepts: readonly ConceptDescription[]): ConceptOperation[] {
  return concepts
    .filter((concept) => concept.exposeOverHttp !== false)
    .flatMap((concept) =>
      Object.entries(concept.schemas).map(([name, schema]) => ({
        concept: concept.conceptName,
        name,
        schema,
        path: `/api/${concept.conceptName}/${name}`,
      })),
    );
}

/** Registers every operation's route; actions (not queries) go through `retries`, the Idempotency-Key middleware. */
export function registerConceptRoutes(
  app: Hono<HttpEnv>,
  {
    engine,
    operations,
    retries,
    logger,
    errorStatus = "4xx",
  }: {
    engine: HttpEngine;
    /** The operations to serve (`servedOperations`, less the passthrough exclusions). */
    operations: readonly ConceptOperation[];
    retries: MiddlewareHandler<HttpEnv>;
    logger: Logger;
    /** "200": a concept's `{ error }` answers 200, as the 6.1040 template does (ERROR_STATUS). */
    errorStatus?: "4xx" | "200";
  },
): void {
  const failureStatus = (reason: ErrorReason | undefined) => (errorStatus === "200" ? 200 : statusForReason(reason));
  for (const operation of operations) {
    const ref = { concept: operation.concept, name: operation.name };
    const fields = inputFields(operation.schema.input);
    const times = timeFields(operation.schema.input);
    const label = `${operation.concept}.${operation.name}`;

    const handle = async (c: Context<HttpEnv>): Promise<Response> => {
      const principal = principalOf(c);
      const body = await readJsonBody(c);
      if (operation.schema.kind === "action" && operation.schema.syncOnly === true && principal.kind === "user") {
        throw new HttpError(403, `${label} is run only by synchronizations and trusted services`);
      }
      refuseOtherUsers(principal, body);
      const input = withHeaderZone(withTokenUser(principal, body, fields), fields, c.req.header(timeZoneHeader));
      try {
        // Checked here, before the engine sees it, so a client's mistake never starts a flow.
        // The engine parses the same raw input itself: parsing twice would re-apply transforms.
        checkInput(operation.schema.input, input);
        // Every time a client supplies must be plausible (CONTRACTS.md): judged here, at the
        // edge, so that concepts and syncs keep accepting any time their own clocks produce.
        checkTimes(times, input);
      } catch (error) {
        // The template's concepts refuse bad input themselves, with an { error } its frontends
        // read from a 200: with ERROR_STATUS=200 a refused input answers the same way.
        if (errorStatus === "200" && error instanceof HttpError && error.status === 400) return c.json({ error: error.message }, 200);
        throw error;
      }

      if (operation.schema.kind === "query" && isUnchecked(operation.schema)) {
        // A concept without schemas answers what its method returned, an object as well as an
        // array, as the template's passthrough routes do.
        const answer = await engine.query(ref, input);
        if (isErrorOutput(answer)) return c.json({ error: answer.error }, failureStatus(answer.reason));
        return c.json(answer as object, 200);
      }
      if (operation.schema.kind === "query") {
        // In batches, so a long answer streams as the concept reads it (see json-rows.ts).
        const batches = await engine.queryBatches(ref, input);
        if (isErrorOutput(batches)) return c.json({ error: batches.error }, failureStatus(batches.reason));
        return jsonRows(c, batches);
      }
      const { output, failures, flow } = await engine.invoke(ref, input, invokeOptions(c));
      c.header(flowHeader, flow);
      for (const failure of failures) logger.error({ flow, failure }, `a sync triggered by ${label} failed`);
      if (isErrorOutput(output)) return c.json({ error: output.error }, failureStatus(output.reason));
      return c.json(output as object, 200);
    };
    if (operation.schema.kind === "action") app.post(operation.path, retries, handle);
    else app.post(operation.path, handle);
  }
}

