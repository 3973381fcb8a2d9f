/**
 * Compile-time proofs that a then-action must be given every input its action requires
 * (`npm run typecheck`; each `@ts-expect-error` must be an error, or tsc fails). The README's
 * example once left out `session`, which `Streak.recordActivity` requires: it compiled, and
 * every completion then failed at run time.
 */
import { FocusSession } from "../../src/concepts/FocusSession/FocusSessionConcept.ts";
import { Streak } from "../../src/concepts/Streak/StreakConcept.ts";
import { actions } from "../../src/engine/patterns.ts";
import type { Sync } from "../../src/engine/sync.ts";
import { Requests, Sessions, Stats } from "./support/concepts.ts";

export const ThenWithEveryRequiredInput: Sync<{ user: string; minutes: number }> = ({ user, minutes }) => ({
  when: actions([Sessions.end, {}, { user, minutes }]),
  then: actions([Stats.record, { user, minutes }]),
});

export const ThenMissingRequiredInput: Sync<{ user: string }> = ({ user }) => ({
  when: actions([Sessions.end, {}, { user }]),
  // @ts-expect-error `minutes` is a required input of Stats.record
  then: actions([Stats.record, { user }]),
});

// Plain `Sync` (the template's untyped variables) is held to the same: the field must be there.
export const UntypedThenMissingRequiredInput: Sync = ({ user }) => ({
  when: actions([Sessions.end, {}, { user }]),
  // @ts-expect-error `minutes` is a required input of Stats.record
  then: actions([Stats.record, { user }]),
});

// Optional inputs may be left out of a then-action, and any input out of a when-pattern.
export const OptionalInputsLeftOut: Sync<{ request: string }> = ({ request }) => ({
  when: actions([Requests.request, {}, { request }]),
  then: actions([Requests.request, { path: "/next" }]),
});

// The README's example, against the real concepts: without `session` it does not compile.
export const CompletedSessionCountsTowardStreak: Sync<{ user: string; endedAt: Date; session: string }> = ({ user, endedAt, session }) => ({
  when: actions([FocusSession.end, {}, { status: "completed", user, endedAt, session }]),
  then: actions([Streak.recordActivity, { user, at: endedAt, session }]),
});

export const ReadmeExampleWithoutSession: Sync<{ user: string; endedAt: Date }> = ({ user, endedAt }) => ({
  when: actions([FocusSession.end, {}, { status: "completed", user, endedAt }]),
  // @ts-expect-error `session` is a required input of Streak.recordActivity
  then: actions([Streak.recordActivity, { user, at: endedAt }]),
});
