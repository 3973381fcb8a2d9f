/**
 * Compile-time proofs for the sync DSL, checked by `npm run typecheck` (tsc includes test/):
 * every `@ts-expect-error` below must be an error, or tsc fails with "unused directive".
 */
import { actions } from "../../src/engine/patterns.ts";
import type { Sync } from "../../src/engine/sync.ts";
import { Badge, Requests, Sessions, Stats } from "./support/concepts.ts";

// Typed variables bind to fields of their own type, on inputs, outputs, queries and then-actions.
export const Typed: Sync<{ user: string; minutes: number; total: number; request: string }> = ({ user, minutes, total, request }) => ({
  when: actions([Requests.request, { path: "/ok", user }, { request }], [Sessions.end, {}, { user, minutes }]),
  where: (frames) => frames.query(Stats._total, { user }, { total }),
  then: actions([Stats.record, { user, minutes }], [Requests.respond, { request, body: total }]),
});

// Error outputs are matched with `{ error }`.
export const OnError: Sync<{ error: string }> = ({ error }) => ({
  when: actions([Sessions.end, {}, { error }]),
  then: actions([Badge.award, { user: "x", badge: error }]),
});

// Plain `Sync` keeps the template's untyped surface: any destructured name is a variable.
export const Untyped: Sync = ({ anything, whatever }) => ({
  when: actions([Sessions.end, { session: anything }, { user: whatever }]),
  where: async (frames) => frames.filter(($) => $[whatever] !== undefined),
  then: actions([Stats.record, { user: whatever, minutes: 1 }]),
});

export const MisspeltInputField: Sync<{ id: string }> = ({ id }) => ({
  // @ts-expect-error `sesion` is not an input field of Sessions.end
  when: actions([Sessions.end, { sesion: id }, {}]),
  then: actions(),
});

export const MisspeltOutputField: Sync<{ user: string }> = ({ user }) => ({
  // @ts-expect-error `usr` is not an output field of Sessions.end
  when: actions([Sessions.end, {}, { usr: user }]),
  then: actions(),
});

export const MisspeltAction: Sync = () => ({
  // @ts-expect-error Sessions has no action `ennd`
  when: actions([Sessions.ennd, {}, {}]),
  then: actions(),
});

export const WrongLiteral: Sync = () => ({
  // @ts-expect-error `path` is a string, not a number
  when: actions([Requests.request, { path: 42 }, {}]),
  then: actions(),
});

export const VariableOfAnotherType: Sync<{ minutes: number }> = ({ minutes }) => ({
  // @ts-expect-error a number variable cannot bind the string field `user`
  when: actions([Sessions.end, {}, { user: minutes }]),
  then: actions(),
});

export const ThenVariableOfAnotherType: Sync<{ user: string }> = ({ user }) => ({
  when: actions([Sessions.end, {}, { user }]),
  // @ts-expect-error `minutes` is a number, `user` a string variable
  then: actions([Stats.record, { user, minutes: user }]),
});

export const QueryAsAction: Sync<{ user: string }> = ({ user }) => ({
  // @ts-expect-error a query cannot be a when-pattern
  when: actions([Stats._total, { user }, {}]),
  then: actions(),
});

export const QueryOutputOfAnotherType: Sync<{ user: string; total: string }> = ({ user, total }) => ({
  when: actions([Sessions.end, {}, { user }]),
  // @ts-expect-error `total` rows are numbers, the variable is a string
  where: (frames) => frames.query(Stats._total, { user }, { total }),
  then: actions(),
});

export const QueryMisspeltInput: Sync<{ user: string; total: number }> = ({ user, total }) => ({
  when: actions([Sessions.end, {}, { user }]),
  // @ts-expect-error `usr` is not an input field of Stats._total
  where: (frames) => frames.query(Stats._total, { usr: user }, { total }),
  then: actions(),
});

export const WrongErrorType: Sync<{ code: number }> = ({ code }) => ({
  // @ts-expect-error error outputs carry a string
  when: actions([Sessions.end, {}, { error: code }]),
  then: actions(),
});
