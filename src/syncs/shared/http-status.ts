/** The HTTP status for a concept's expected failure, as CONTRACTS.md maps reasons. */
import type { ErrorReason } from "../../engine/index.ts";

const statusByReason: Readonly<Record<ErrorReason, number>> = { invalid: 400, forbidden: 403, not_found: 404, conflict: 409 };

export function statusFor(reason: ErrorReason | undefined): number {
  return statusByReason[reason ?? "invalid"] ?? 400;
}
