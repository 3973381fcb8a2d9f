/**
 * Records that belong to a user: an operation naming a user acts on that user's behalf
 * (the HTTP edge binds it from the caller's token), so naming someone other than the
 * owner is refused. Operations naming nobody are a trusted service's, and pass.
 */
import type { ErrorOutput } from "../engine/concept.ts";

/** `{ error, reason: "forbidden" }` when `claimed` names someone other than `owner`, else null. */
export function refuseUnlessOwner(
  owner: string | null | undefined,
  claimed: string | undefined,
  what: string,
): ErrorOutput | null {
  if (claimed === undefined || owner === null || owner === undefined || claimed === owner) return null;
  return { error: `${what} belongs to another user`, reason: "forbidden" };
}
