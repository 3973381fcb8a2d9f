/**
 * A flow as long as you like: each Stats.record of the "chain" user runs the next one until
 * the total reaches the limit; a two-pattern sync then responds, so the long flow also
 * exercises joins.
 */
import { actions } from "../../../src/engine/patterns.ts";
import type { Sync } from "../../../src/engine/sync.ts";
import { Requests, Stats } from "./concepts.ts";

export function chainSyncs(limit: number): Record<string, Sync> {
  const StartChain: Sync = () => ({
    when: actions([Requests.request, { path: "/chain" }, {}]),
    then: actions([Stats.record, { user: "chain", minutes: 1 }]),
  });
  const ContinueChain: Sync<{ total: number }> = ({ total }) => ({
    when: actions([Stats.record, { user: "chain" }, { total }]),
    where: (frames) => frames.filter(($) => ($[total] as number) < limit),
    then: actions([Stats.record, { user: "chain", minutes: 1 }]),
  });
  const RespondAtEnd: Sync<{ request: string }> = ({ request }) => ({
    when: actions([Requests.request, { path: "/chain" }, { request }], [Stats.record, {}, { total: limit }]),
    then: actions([Requests.respond, { request, body: limit }]),
  });
  return { StartChain, ContinueChain: ContinueChain as Sync, RespondAtEnd: RespondAtEnd as Sync };
}
