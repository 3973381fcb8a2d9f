/**
 * A repeated idempotency key answers the original outcome: the engine repeats an action whose
 * record a crash lost, and the syncs that follow it must see the same success again.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { FocusSessionConcept } from "../../src/concepts/FocusSession/FocusSessionConcept.ts";
import { rememberedChangesPerSession } from "../../src/concepts/FocusSession/replay.ts";
import { useConceptDatabase } from "./concept-database.ts";
import { FakeClock, minute, ok } from "./fake-clock.ts";

const db = useConceptDatabase();
let clock: FakeClock;
let sessions: FocusSessionConcept;

beforeEach(() => {
  clock = new FakeClock("2026-02-18T08:00:00Z");
  sessions = new FocusSessionConcept(db(), { clock });
});

const flow = "flow-1";
const keyed = (idempotencyKey: string) => ({ flow, idempotencyKey });

describe("FocusSession answers a repeated idempotency key with the original outcome", () => {
  it("a repeated start answers the session it created, while the session runs and after it ended", async () => {
    const { session } = ok(await sessions.start({ user: "ada" }, keyed("start-1")));
    expect(await sessions.start({ user: "ada" }, keyed("start-1"))).toMatchObject({ session });
    expect(await sessions.start({ user: "ada" }, keyed("start-2"))).toMatchObject({ reason: "conflict" });
    ok(await sessions.end({ session, status: "completed" }));
    expect(await sessions.start({ user: "ada" }, keyed("start-1"))).toMatchObject({ session });
    expect(await sessions._listSessions({ user: "ada" })).toHaveLength(1);
  });

  it("a repeated end answers the same completed session instead of conflict, and changes nothing", async () => {
    const { session } = ok(await sessions.start({ user: "ada" }));
    clock.advance(25 * minute);
    const first = ok(await sessions.end({ session, status: "completed" }, keyed("end-1")));
    clock.advance(5 * minute);
    expect(await sessions.end({ session, status: "completed" }, keyed("end-1"))).toEqual(first);
    expect(await sessions.end({ session, status: "completed" }, keyed("end-2"))).toMatchObject({ reason: "conflict" });
    expect(await sessions.end({ session, status: "completed" })).toMatchObject({ reason: "conflict" });
    const [view] = ok(await sessions._getSession({ session }));
    expect(view).toMatchObject({ status: "completed", elapsedMs: 25 * minute, endedAt: first.endedAt });
    expect(view).not.toHaveProperty("recentChanges");
    expect(view).not.toHaveProperty("createdBy");
  });

  it("a repeated pause or resume answers its first outcome even after later changes", async () => {
    const { session } = ok(await sessions.start({ user: "ada" }));
    ok(await sessions.pause({ session }, keyed("pause-1")));
    ok(await sessions.resume({ session }, keyed("resume-1")));
    expect(await sessions.pause({ session }, keyed("pause-1"))).toMatchObject({ session });
    expect((await sessions._getSession({ session })) as unknown[]).toMatchObject([{ status: "active" }]);
    expect(await sessions.resume({ session }, keyed("resume-1"))).toMatchObject({ session });
    expect(await sessions.resume({ session }, keyed("resume-2"))).toMatchObject({ reason: "invalid" });
  });

  it("a repeated update does not apply its details over a later update", async () => {
    const { session } = ok(await sessions.start({ user: "ada" }));
    ok(await sessions.update({ session, notes: "first" }, keyed("update-1")));
    ok(await sessions.update({ session, notes: "second" }, keyed("update-2")));
    expect(await sessions.update({ session, notes: "first" }, keyed("update-1"))).toMatchObject({ session });
    expect((await sessions._getSession({ session })) as unknown[]).toMatchObject([{ notes: "second" }]);
  });

  it(`remembers the latest ${rememberedChangesPerSession} changes of a session`, async () => {
    const { session } = ok(await sessions.start({ user: "ada" }));
    for (let i = 0; i <= rememberedChangesPerSession; i++) ok(await sessions.update({ session, notes: `n${i}` }, keyed(`update-${i}`)));
    expect(await sessions.update({ session, notes: "n1" }, keyed("update-1"))).toMatchObject({ session });
    // The oldest is forgotten: decided again (an update applies again).
    ok(await sessions.update({ session, notes: "n0" }, keyed("update-0")));
    expect((await sessions._getSession({ session })) as unknown[]).toMatchObject([{ notes: "n0" }]);
  });

  it("a repeated delete answers the deleted session, while another key finds nothing", async () => {
    const { session } = ok(await sessions.start({ user: "ada" }));
    ok(await sessions.end({ session, status: "completed" }));
    const first = ok(await sessions.delete({ session, user: "ada" }, keyed("delete-1")));
    expect(first).toEqual({ session, user: "ada", status: "completed" });
    expect(await sessions.delete({ session, user: "ada" }, keyed("delete-1"))).toEqual(first);
    expect(await sessions.delete({ session, user: "ada" }, keyed("delete-2"))).toMatchObject({ reason: "not_found" });
    expect(await sessions.delete({ session, user: "ada" })).toMatchObject({ reason: "not_found" });
  });

  it("a repeated key still checks the owner", async () => {
    const { session } = ok(await sessions.start({ user: "ada" }));
    ok(await sessions.pause({ session }, keyed("pause-1")));
    expect(await sessions.pause({ session, user: "bob" }, keyed("pause-1"))).toMatchObject({ reason: "forbidden" });
  });
});
