import { beforeEach, describe, expect, it } from "vitest";
import { FocusSessionConcept } from "../../src/concepts/FocusSession/FocusSessionConcept.ts";
import { useConceptDatabase } from "./concept-database.ts";
import { commandLog } from "./database-probes.ts";
import { FakeClock, minute, ok } from "./fake-clock.ts";

const db = useConceptDatabase();
let clock: FakeClock;
let sessions: FocusSessionConcept;

beforeEach(() => {
  clock = new FakeClock("2026-02-18T08:00:00Z");
  sessions = new FocusSessionConcept(db(), { clock });
});

async function view(session: string) {
  const rows = ok(await sessions._getSession({ session }));
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

async function started(user = "ada", extra: Partial<Parameters<FocusSessionConcept["start"]>[0]> = {}) {
  return ok(await sessions.start({ user, ...extra })).session;
}

describe("FocusSession principle", () => {
  it("runs one session at a time through pause and resume to completion, and lists it first", async () => {
    const older = await started("ada", { subject: "History" });
    clock.advance(30 * minute);
    ok(await sessions.end({ session: older, status: "completed" }));

    clock.advance(minute);
    const session = await started("ada", { targetDurationMs: 25 * minute, subject: "Calculus" });
    expect(await sessions.start({ user: "ada" })).toMatchObject({ reason: "conflict" });

    clock.advance(10 * minute);
    ok(await sessions.pause({ session, user: "ada" }));
    expect(await view(session)).toMatchObject({ status: "paused", elapsedMs: 10 * minute });
    clock.advance(5 * minute); // paused time does not count
    ok(await sessions.resume({ session, user: "ada" }));
    clock.advance(15 * minute);
    expect(await view(session)).toMatchObject({ status: "active", elapsedMs: 25 * minute });

    const ended = ok(await sessions.end({ session, user: "ada", status: "completed" }));
    expect(ended).toMatchObject({ session, user: "ada", status: "completed", elapsedMs: 25 * minute, subject: "Calculus" });
    expect(ended.endedAt).toEqual(clock.now());

    const history = await sessions._listSessions({ user: "ada" });
    expect(history.map((row) => row.session)).toEqual([session, older]);
    expect(await sessions._getRunning({ user: "ada" })).toEqual([]);
    ok(await sessions.start({ user: "ada" }));
  });
});

describe("FocusSession.start", () => {
  it("creates an active session with defaults for everything not given", async () => {
    const session = await started("ada");
    expect(await view(session)).toEqual({
      session,
      user: "ada",
      status: "active",
      targetDurationMs: null,
      elapsedMs: 0,
      startedAt: clock.now(),
      endedAt: null,
      // No zone named: none stored, so the completion can take the user's last known one.
      timeZone: null,
      subject: null,
      questId: null,
      description: null,
      notes: null,
      document: null,
      createdAt: clock.now(),
      updatedAt: clock.now(),
    });
  });

  it("keeps the given start time, time zone and details", async () => {
    const given = {
      startedAt: new Date("2026-02-18T07:30:00Z"),
      timeZone: "America/New_York",
      targetDurationMs: 1_500_000,
      subject: "Calculus",
      questId: "q1",
      description: "Chapter 1",
      notes: "quiet room",
      document: "doc-7",
    };
    const session = await started("ada", given);
    // Started half an hour before the clock's now, it has been running since.
    expect(await view(session)).toMatchObject({ ...given, elapsedMs: 30 * minute });
  });

  it("refuses a second running session for the user, even a paused one, as a conflict", async () => {
    const session = await started("ada");
    ok(await sessions.pause({ session }));
    expect(await sessions.start({ user: "ada" })).toEqual({ error: "user already has a running session", reason: "conflict" });
    ok(await sessions.start({ user: "grace" }));
  });

  it("lets exactly one of 20 concurrent starts for one user succeed", async () => {
    const outputs = await Promise.all(Array.from({ length: 20 }, () => sessions.start({ user: "ada" })));
    expect(outputs.filter((output) => "session" in output)).toHaveLength(1);
    expect(outputs.filter((output) => "error" in output && output.reason === "conflict")).toHaveLength(19);
    expect(await sessions._listSessions({ user: "ada" })).toHaveLength(1);
  });

  it("requires a known time zone", async () => {
    expect(await sessions.start({ user: "ada", timeZone: "Mars/Olympus" })).toHaveProperty("error");
    expect(FocusSessionConcept.schemas.start.input.safeParse({ user: "ada", timeZone: "Mars/Olympus" }).success).toBe(false);
  });

  it("stores a zone canonical, refuses an abbreviation, and takes the zone an end names (issue 28)", async () => {
    for (const abbreviation of ["EST", "est", "CET"]) {
      expect(await sessions.start({ user: "ada", timeZone: abbreviation })).toMatchObject({ error: expect.stringContaining("America/New_York") });
    }
    const session = await started("ada", { timeZone: "america/new_york" });
    expect((await view(session)).timeZone).toBe("America/New_York");
    expect(await sessions.end({ session, status: "completed", timeZone: "EST" })).toHaveProperty("error");
    expect((await view(session)).status).toBe("active");
    const ended = ok(await sessions.end({ session, status: "completed", timeZone: "asia/kolkata" }));
    expect(ended.timeZone).toBe("Asia/Kolkata");
    expect((await view(session)).timeZone).toBe("Asia/Kolkata");
  });
});

describe("FocusSession.pause", () => {
  it("saves the elapsed time the client reports", async () => {
    const session = await started();
    clock.advance(13 * minute);
    ok(await sessions.pause({ session, elapsedMs: 750_000 }));
    clock.advance(30 * minute);
    expect(await view(session)).toMatchObject({ status: "paused", elapsedMs: 750_000 });
  });

  it("requires the session to be active", async () => {
    const session = await started();
    ok(await sessions.pause({ session }));
    expect(await sessions.pause({ session })).toMatchObject({ reason: "invalid" });
    ok(await sessions.end({ session, status: "abandoned" }));
    expect(await sessions.pause({ session })).toMatchObject({ reason: "conflict" });
  });

  it("answers not_found for an unknown session and forbidden for another user's", async () => {
    const session = await started("ada");
    expect(await sessions.pause({ session: "nope" })).toMatchObject({ reason: "not_found" });
    expect(await sessions.pause({ session, user: "mallory" })).toMatchObject({ reason: "forbidden" });
    expect((await view(session)).status).toBe("active");
  });
});

describe("FocusSession.resume", () => {
  it("runs the session again on top of the saved time", async () => {
    const session = await started();
    ok(await sessions.pause({ session, elapsedMs: 750_000 }));
    clock.advance(minute);
    ok(await sessions.resume({ session }));
    clock.advance(minute);
    expect(await view(session)).toMatchObject({ status: "active", elapsedMs: 750_000 + minute });
  });

  it("requires the session to be paused", async () => {
    const session = await started();
    expect(await sessions.resume({ session })).toMatchObject({ reason: "invalid" });
    expect(await sessions.resume({ session, user: "mallory" })).toMatchObject({ reason: "forbidden" });
    expect(await sessions.resume({ session: "nope" })).toMatchObject({ reason: "not_found" });
  });
});

describe("FocusSession.end", () => {
  it("takes the client's elapsed time and end time when given", async () => {
    const session = await started("ada", { timeZone: "Europe/Paris", document: "doc-1" });
    const endedAt = new Date("2026-02-18T08:20:00Z");
    clock.advance(60 * minute);
    const ended = ok(await sessions.end({ session, status: "abandoned", elapsedMs: 400_000, endedAt }));
    expect(ended).toEqual({
      session,
      user: "ada",
      status: "abandoned",
      elapsedMs: 400_000,
      startedAt: new Date("2026-02-18T08:00:00Z"),
      endedAt,
      timeZone: "Europe/Paris",
      subject: null,
      document: "doc-1",
      view: await view(session),
    });
    expect(await view(session)).toMatchObject({ status: "abandoned", endedAt, elapsedMs: 400_000, updatedAt: clock.now() });
  });

  it("sets the notes it is given with the end, in the same write, and answers the session as it left it", async () => {
    const session = await started("ada");
    clock.advance(25 * minute);
    const ended = ok(await sessions.end({ session, status: "completed", notes: "chapter 3 done" }));
    expect(ended.view).toEqual(await view(session));
    expect(ended.view).toMatchObject({ status: "completed", notes: "chapter 3 done", elapsedMs: 25 * minute });
    const paused = ok(await sessions.pause({ session: await started("bob"), notes: "break" }));
    expect(paused.view).toMatchObject({ status: "paused", notes: "break" });
  });

  it("computes the elapsed time up to the end time from the clock when the client sends none", async () => {
    const session = await started();
    clock.advance(10 * minute);
    ok(await sessions.pause({ session }));
    clock.advance(10 * minute);
    ok(await sessions.resume({ session }));
    clock.advance(10 * minute);
    const ended = ok(await sessions.end({ session, status: "completed", endedAt: new Date(clock.now().getTime() - 5 * minute) }));
    expect(ended.elapsedMs).toBe(15 * minute);
  });

  it("ends a paused session with the time saved at the pause", async () => {
    const session = await started();
    clock.advance(7 * minute);
    ok(await sessions.pause({ session }));
    clock.advance(60 * minute);
    expect(ok(await sessions.end({ session, status: "cancelled" })).elapsedMs).toBe(7 * minute);
  });

  it("ends a session once: a second end is a conflict and changes nothing", async () => {
    const session = await started();
    clock.advance(minute);
    ok(await sessions.end({ session, status: "completed" }));
    clock.advance(minute);
    expect(await sessions.end({ session, status: "abandoned" })).toMatchObject({ reason: "conflict" });
    expect(await view(session)).toMatchObject({ status: "completed", elapsedMs: minute });
  });

  it("lets exactly one of 20 concurrent ends succeed", async () => {
    const session = await started();
    clock.advance(minute);
    const outputs = await Promise.all(Array.from({ length: 20 }, () => sessions.end({ session, status: "completed" })));
    expect(outputs.filter((output) => !("error" in output))).toHaveLength(1);
    expect(outputs.filter((output) => "error" in output && output.reason === "conflict")).toHaveLength(19);
  });

  it("requires an end time not before the start", async () => {
    const session = await started();
    expect(await sessions.end({ session, status: "completed", endedAt: new Date("2026-02-18T07:00:00Z") })).toMatchObject({
      reason: "invalid",
    });
    expect((await view(session)).status).toBe("active");
  });

  it("requires a final status", async () => {
    const session = await started();
    expect(await sessions.end({ session, status: "paused" as "completed" })).toHaveProperty("error");
    expect(FocusSessionConcept.schemas.end.input.safeParse({ session, status: "active" }).success).toBe(false);
  });

  it("answers not_found and forbidden", async () => {
    const session = await started("ada");
    expect(await sessions.end({ session: "nope", status: "completed" })).toMatchObject({ reason: "not_found" });
    expect(await sessions.end({ session, user: "mallory", status: "completed" })).toMatchObject({ reason: "forbidden" });
  });
});

describe("FocusSession.update", () => {
  it("changes only the details given, and null clears one, even after the session ended", async () => {
    const session = await started("ada", { subject: "Calculus", notes: "draft" });
    ok(await sessions.end({ session, status: "completed" }));
    clock.advance(minute);
    ok(await sessions.update({ session, user: "ada", notes: "Great focus", questId: "q9", subject: null }));
    expect(await view(session)).toMatchObject({
      status: "completed",
      subject: null,
      notes: "Great focus",
      questId: "q9",
      description: null,
      updatedAt: clock.now(),
    });
  });

  it("answers not_found and forbidden", async () => {
    const session = await started("ada");
    expect(await sessions.update({ session: "nope", notes: "x" })).toMatchObject({ reason: "not_found" });
    expect(await sessions.update({ session, user: "mallory", notes: "x" })).toMatchObject({ reason: "forbidden" });
    expect((await view(session)).notes).toBeNull();
  });
});

describe("FocusSession.delete", () => {
  it("removes the session and frees the user to start another", async () => {
    const session = await started("ada");
    expect(await sessions.delete({ session, user: "ada" })).toEqual({ session, user: "ada", status: "active" });
    expect(await sessions._getSession({ session })).toEqual([]);
    ok(await sessions.start({ user: "ada" }));
  });

  it("answers not_found for an unknown or already deleted session and forbidden for another user's", async () => {
    const session = await started("ada");
    expect(await sessions.delete({ session, user: "mallory" })).toMatchObject({ reason: "forbidden" });
    ok(await sessions.delete({ session }));
    expect(await sessions.delete({ session })).toMatchObject({ reason: "not_found" });
  });
});

describe("FocusSession queries", () => {
  it("_getRunning finds the user's active or paused session only", async () => {
    const session = await started("ada");
    expect((await sessions._getRunning({ user: "ada" })).map((row) => row.session)).toEqual([session]);
    ok(await sessions.pause({ session }));
    expect((await sessions._getRunning({ user: "ada" }))[0]?.status).toBe("paused");
    expect(await sessions._getRunning({ user: "grace" })).toEqual([]);
  });

  it("_getSession answers forbidden when the user named is not the owner", async () => {
    const session = await started("ada");
    expect(await sessions._getSession({ session, user: "mallory" })).toMatchObject({ reason: "forbidden" });
    expect(await sessions._getSession({ session, user: "ada" })).toHaveLength(1);
  });

  it("_listSessions filters by status, subject, quest and an inclusive end-time range, newest end first, with a limit", async () => {
    const endAt = async (iso: string, details: { subject?: string; questId?: string }, status: "completed" | "abandoned") => {
      const session = await started("ada", details);
      ok(await sessions.end({ session, status, endedAt: new Date(iso) }));
      return session;
    };
    clock.set("2026-02-01T00:00:00Z");
    const first = await endAt("2026-02-10T10:00:00Z", { subject: "Calculus", questId: "q1" }, "completed");
    const second = await endAt("2026-02-11T10:00:00Z", { subject: "History" }, "abandoned");
    const third = await endAt("2026-02-12T10:00:00Z", { subject: "Calculus", questId: "q1" }, "completed");
    const running = await started("ada");
    await started("grace");

    const ids = async (filters: Omit<Parameters<FocusSessionConcept["_listSessions"]>[0], "user">) =>
      (await sessions._listSessions({ user: "ada", ...filters })).map((row) => row.session);

    expect(await ids({})).toEqual([third, second, first, running]);
    expect(await ids({ status: "completed" })).toEqual([third, first]);
    expect(await ids({ subject: "History" })).toEqual([second]);
    expect(await ids({ questId: "q1" })).toEqual([third, first]);
    expect(await ids({ endedAfter: new Date("2026-02-11T10:00:00Z"), endedBefore: new Date("2026-02-12T10:00:00Z") })).toEqual([
      third,
      second,
    ]);
    expect(await ids({ endedBefore: new Date("2026-02-10T10:00:00Z") })).toEqual([first]);
    expect(await ids({ limit: 2 })).toEqual([third, second]);
    expect(await ids({ status: "completed", subject: "Calculus", questId: "q1", limit: 1 })).toEqual([third]);
  });

  it("_listSessions refuses a limit that is not a positive integer", () => {
    expect(FocusSessionConcept.schemas._listSessions.input.safeParse({ user: "ada", limit: 0 }).success).toBe(false);
    expect(FocusSessionConcept.schemas._listSessions.input.safeParse({ user: "ada", limit: 2.5 }).success).toBe(false);
  });
});

describe("FocusSession and the sessions this process last wrote", () => {
  it("ends a session it started in one write, without reading it first", async () => {
    const log = await commandLog(db());
    try {
      const mine = new FocusSessionConcept(log.db, { clock });
      const { session } = ok(await mine.start({ user: "una" }));
      log.take();
      clock.advance(25 * minute);
      ok(await mine.end({ session, status: "completed" }));
      expect(log.take()).toEqual(["update FocusSession.sessions"]);
    } finally {
      await log.close();
    }
  });

  it("decides on the stored session when another process changed it since (two instances, one database)", async () => {
    const here = new FocusSessionConcept(db(), { clock });
    const there = new FocusSessionConcept(db(), { clock });
    const { session } = ok(await here.start({ user: "vic" }));
    clock.advance(10 * minute);
    ok(await there.pause({ session }));
    // Here still remembers it active: the pause it asks for must be refused on the stored state...
    expect(await here.pause({ session })).toMatchObject({ reason: "invalid", error: "session is paused, not active" });
    clock.advance(5 * minute);
    ok(await there.resume({ session }));
    clock.advance(15 * minute);
    // ...and its end lands on the session as the other left it (10 + 15 minutes run, not 30).
    const ended = ok(await here.end({ session, status: "completed" }));
    expect(ended.elapsedMs).toBe(25 * minute);
    expect(await there.end({ session, status: "completed" })).toMatchObject({ reason: "conflict" });
    const deleted = ok(await there.delete({ session }));
    expect(deleted.status).toBe("completed");
    expect(await here.update({ session, notes: "gone" })).toMatchObject({ reason: "not_found" });
  });
});
