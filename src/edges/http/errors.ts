/**
 * How failures become HTTP answers: expected failures carry their status; concept errors
 * map their `reason`; everything else is a 500 whose details stay in the server log.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** A client's mistake, answered with `status` and `{ error: message }`. */
export class HttpError extends Error {
  override readonly name = "HttpError";
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
  ) {
    super(message);
  }
}

export { statusForReason } from "../../concepts/Requesting/status.ts";
