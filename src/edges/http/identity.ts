/**
 * Binding requests to the authenticated user. A user token may only act for its own `sub`:
 * any user field naming someone else is refused (403) before anything runs. A service names
 * the user itself. Concept operations that take a user get the token's user when the
 * caller left it out, so a frontend holding a token need not repeat who it is.
 */
import { HttpError } from "./errors.ts";
import type { JsonObject } from "./input.ts";
import type { Principal } from "./principal.ts";

/** The names the seeds and concepts use for "whose data this is". */
export const userFields = ["user", "userId", "user_id"] as const;

/** 403 when a user principal names, in any of `sources`, a user other than itself. */
export function refuseOtherUsers(principal: Principal, ...sources: JsonObject[]): void {
  if (principal.kind !== "user") return;
  for (const source of sources) {
    for (const field of userFields) {
      const named = source[field];
      if (named !== undefined && named !== null && named !== principal.user) {
        throw new HttpError(403, `${field}: a token for ${principal.user} cannot act for another user`);
      }
    }
  }
}

/** The input with the token's user filled into the user fields the operation accepts but the caller left out. */
export function withTokenUser(principal: Principal, input: JsonObject, acceptedFields: ReadonlySet<string>): JsonObject {
  if (principal.kind !== "user") return input;
  const filled = { ...input };
  for (const field of userFields) {
    if (acceptedFields.has(field) && filled[field] === undefined) filled[field] = principal.user;
  }
  return filled;
}
