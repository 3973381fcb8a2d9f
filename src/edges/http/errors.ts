/**
 * How failures become HTTP answers: expected failures carry their status; concept errors
 * map their `reason`; everything else is a 500 whose details stay in the server log.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ErrorReason } from "../../engine/concept.ts";

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

const statusByReason: Record<ErrorReason, ContentfulStatusCode> = {
  invalid: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
};

/** The status for a concept's `{ error, reason }`; no reason means bad input (400). */
export function statusForReason(reason: ErrorReason | undefined): ContentfulStatusCode {
  return statusByReason[reason ?? "invalid"] ?? 400;
}
