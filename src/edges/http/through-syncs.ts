/**
 * What both request bridges (the REST dialects' and the 6.1040 template's) do once they have
 * built a request: run `Requesting.request` with it, log the syncs that failed, and take the
 * response a sync gave (`Requesting._awaitResponse`, waiting up to `timeoutMs` when given).
 */
import type { Context } from "hono";
import type { Logger } from "pino";
import { Requesting } from "../../concepts/Requesting/RequestingConcept.ts";
import { isErrorOutput } from "../../engine/concept.ts";
import type { HttpEngine } from "./engine-port.ts";
import { invokeOptions } from "./idempotency/retries.ts";
import type { HttpEnv } from "./principal.ts";
import { flowHeader } from "./provenance-route.ts";

export interface SyncResponse {
  readonly status: number;
  readonly body: unknown;
}

interface RequestOptions {
  engine: HttpEngine;
  logger: Logger;
  /** Names the request in logs and errors. */
  where: Record<string, string>;
}

/** Runs `Requesting.request` and every sync it triggers; answers its flow, the request's id and how many syncs failed. */
export async function startRequest(c: Context<HttpEnv>, input: object, { engine, logger, where }: RequestOptions): Promise<{ flow: string; request: string; failures: number }> {
  const { output, flow, failures } = await engine.invoke(Requesting.request, input, invokeOptions(c));
  c.header(flowHeader, flow);
  for (const failure of failures) logger.error({ flow, ...where, failure }, "a sync triggered by a request failed");
  if (isErrorOutput(output)) throw new Error(`Requesting.request refused ${Object.values(where).join(" ")}: ${output.error}`);
  return { flow, request: (output as { request: string }).request, failures: failures.length };
}

/** The response a sync gave the request, waiting up to `timeoutMs` when given (the request is forgotten either way). */
export async function awaitSyncResponse(engine: HttpEngine, request: string, timeoutMs?: number): Promise<SyncResponse | undefined> {
  const rows = await engine.query(Requesting._awaitResponse, timeoutMs === undefined ? { request } : { request, timeoutMs });
  if (isErrorOutput(rows)) throw new Error(`Requesting._awaitResponse refused: ${rows.error}`);
  return rows[0] as SyncResponse | undefined;
}

/** Runs the request through the syncs; answers the flow and the response they gave, if any. */
export async function requestThroughSyncs(
  c: Context<HttpEnv>,
  input: object,
  options: RequestOptions & { timeoutMs?: number },
): Promise<{ flow: string; response: SyncResponse | undefined }> {
  const { flow, request } = await startRequest(c, input, options);
  return { flow, response: await awaitSyncResponse(options.engine, request, options.timeoutMs) };
}
