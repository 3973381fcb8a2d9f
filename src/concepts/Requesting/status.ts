/**
 * The HTTP status of a concept's expected failure, as CONTRACTS.md maps `reason`s: one table
 * for the concept routes and for every REST dialect's syncs, so they can never disagree.
 */
import type { ErrorReason } from "../../engine/concept.ts";

export type FailureStatus = 400 | 403 | 404 | 409;

const statusByReason: Readonly<Record<ErrorReason, FailureStatus>> = {
  invalid: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
};

/** The status for `{ error, reason }`; no reason (or an unknown one) means bad input: 400. */
export function statusForReason(reason: ErrorReason | undefined): FailureStatus {
  return statusByReason[reason ?? "invalid"] ?? 400;
}
