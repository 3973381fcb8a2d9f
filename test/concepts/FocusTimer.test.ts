import { beforeEach, describe, expect, it } from "vitest";
import { FocusTimerConcept } from "../../src/concepts/FocusTimer/FocusTimerConcept.ts";
import { useConceptDatabase } from "./concept-database.ts";
import { FakeClock, minute, ok } from "./fake-clock.ts";

const db = useConceptDatabase();
let clock: FakeClock;
let timers: FocusTimerConcept;

beforeEach(() => {
  clock = new FakeClock();
  timers = new FocusTimerConcept(db(), { clock });
});

async function timer(timerId: string) {
  const rows = ok(await timers._getTimer({ timerId }));
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

describe("FocusTimer principle", () => {
  it("keeps the time run across a pause, expires after the full duration, and flips to a break", async () => {
    const { timerId } = ok(await timers.start({ durationMs: 25 * minute, phase: "reading", user: "ada" }));
    const startedAtMs = clock.now().getTime();
    expect(await timer(timerId)).toEqual({
      _id: timerId,
      phase: "reading",
      startedAtMs,
      durationMs: 25 * minute,
      isActive: true,
      elapsedMs: 0,
      remainingMs: 25 * minute,
    });

    clock.advance(10 * minute);
    expect(await timers.pause({ timerId, user: "ada" })).toEqual({});
    clock.advance(60 * minute); // a long pause does not count as running time
    expect(await timer(timerId)).toMatchObject({ isActive: false, elapsedMs: 10 * minute, remainingMs: 15 * minute });
    expect(await timers.resume({ timerId, user: "ada" })).toEqual({});
    expect((await timer(timerId)).startedAtMs).toBe(clock.now().getTime());
    clock.advance(4 * minute);
    // After the pause the seed's startedAtMs is the resume; elapsedMs and remainingMs tell the truth.
    expect(await timer(timerId)).toMatchObject({ elapsedMs: 14 * minute, remainingMs: 11 * minute });
    clock.advance(10 * minute);

    expect(await timers.expire({ timerId })).toEqual({ error: expect.stringContaining("left to run") });
    clock.advance(1 * minute);
    expect(await timer(timerId)).toMatchObject({ elapsedMs: 25 * minute, remainingMs: 0 });
    expect(await timers.expire({ timerId, user: "ada" })).toEqual({});

    const flipped = await timer(timerId);
    expect(flipped).toMatchObject({ phase: "break", startedAtMs: clock.now().getTime(), isActive: true });
    // The break starts from zero: it cannot expire at once.
    expect(await timers.expire({ timerId })).toHaveProperty("error");
  });
});

describe("FocusTimer.start", () => {
  it("creates an active timer with the given phase and duration", async () => {
    const { timerId } = ok(await timers.start({ durationMs: 5 * minute, phase: "break" }));
    expect(await timer(timerId)).toMatchObject({ phase: "break", durationMs: 5 * minute, isActive: true });
  });

  it("requires a positive duration", async () => {
    expect(await timers.start({ durationMs: 0, phase: "reading" })).toHaveProperty("error");
    expect(await timers.start({ durationMs: -5, phase: "reading" })).toHaveProperty("error");
  });

  it("requires the phase to be reading or break", async () => {
    const output = await timers.start({ durationMs: 1000, phase: "nap" as "reading" });
    expect(output).toHaveProperty("error");
    expect(await timers._getActiveTimers({})).toEqual([]);
  });

  it("rejects bad input through its schema, naming the field", () => {
    const parsed = FocusTimerConcept.schemas.start.input.safeParse({ durationMs: "soon", phase: "reading" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(["durationMs"]);
  });
});

describe("FocusTimer.pause", () => {
  it("makes an active timer inactive", async () => {
    const { timerId } = ok(await timers.start({ durationMs: minute, phase: "reading" }));
    expect(await timers.pause({ timerId })).toEqual({});
    expect((await timer(timerId)).isActive).toBe(false);
  });

  it("requires the timer to be active", async () => {
    const { timerId } = ok(await timers.start({ durationMs: minute, phase: "reading" }));
    ok(await timers.pause({ timerId }));
    expect(await timers.pause({ timerId })).toEqual({ error: "timer is not active" });
  });

  it("answers not_found for an unknown timer", async () => {
    expect(await timers.pause({ timerId: "nope" })).toMatchObject({ reason: "not_found" });
  });

  it("refuses a user who does not own the timer, and changes nothing", async () => {
    const { timerId } = ok(await timers.start({ durationMs: minute, phase: "reading", user: "ada" }));
    expect(await timers.pause({ timerId, user: "mallory" })).toMatchObject({ reason: "forbidden" });
    expect((await timer(timerId)).isActive).toBe(true);
  });

  it("lets exactly one of many concurrent pauses succeed", async () => {
    const { timerId } = ok(await timers.start({ durationMs: minute, phase: "reading" }));
    const outputs = await Promise.all(Array.from({ length: 10 }, () => timers.pause({ timerId })));
    expect(outputs.filter((output) => !("error" in output))).toHaveLength(1);
  });
});

describe("FocusTimer.resume", () => {
  it("makes a paused timer active from now", async () => {
    const { timerId } = ok(await timers.start({ durationMs: minute, phase: "reading" }));
    ok(await timers.pause({ timerId }));
    clock.advance(5 * minute);
    expect(await timers.resume({ timerId })).toEqual({});
    expect(await timer(timerId)).toMatchObject({ isActive: true, startedAtMs: clock.now().getTime() });
  });

  it("requires the timer to be paused", async () => {
    const { timerId } = ok(await timers.start({ durationMs: minute, phase: "reading" }));
    expect(await timers.resume({ timerId })).toEqual({ error: "timer is already active" });
  });

  it("answers not_found and forbidden like every action on a timer", async () => {
    const { timerId } = ok(await timers.start({ durationMs: minute, phase: "reading", user: "ada" }));
    ok(await timers.pause({ timerId }));
    expect(await timers.resume({ timerId: "nope" })).toMatchObject({ reason: "not_found" });
    expect(await timers.resume({ timerId, user: "mallory" })).toMatchObject({ reason: "forbidden" });
  });
});

describe("FocusTimer.expire", () => {
  it("requires the timer to have run its whole duration", async () => {
    const { timerId } = ok(await timers.start({ durationMs: 10 * minute, phase: "reading" }));
    clock.advance(10 * minute - 1);
    expect(await timers.expire({ timerId })).toHaveProperty("error");
    clock.advance(1);
    expect(await timers.expire({ timerId })).toEqual({});
  });

  it("requires the timer to be active, even when it has run long enough", async () => {
    const { timerId } = ok(await timers.start({ durationMs: minute, phase: "break" }));
    clock.advance(2 * minute);
    ok(await timers.pause({ timerId }));
    expect(await timers.expire({ timerId })).toEqual({ error: "timer is not active" });
  });

  it("flips a break back to reading", async () => {
    const { timerId } = ok(await timers.start({ durationMs: minute, phase: "break" }));
    clock.advance(minute);
    ok(await timers.expire({ timerId }));
    expect((await timer(timerId)).phase).toBe("reading");
  });

  it("flips the phase once when many expire at the same moment", async () => {
    const { timerId } = ok(await timers.start({ durationMs: minute, phase: "reading" }));
    clock.advance(minute);
    const outputs = await Promise.all(Array.from({ length: 10 }, () => timers.expire({ timerId })));
    expect(outputs.filter((output) => !("error" in output))).toHaveLength(1);
    expect((await timer(timerId)).phase).toBe("break");
  });
});

describe("FocusTimer queries", () => {
  it("_getTimer answers no rows for an unknown timer and forbidden for another user's", async () => {
    const { timerId } = ok(await timers.start({ durationMs: minute, phase: "reading", user: "ada" }));
    expect(await timers._getTimer({ timerId: "nope" })).toEqual([]);
    expect(await timers._getTimer({ timerId, user: "mallory" })).toMatchObject({ reason: "forbidden" });
    expect(await timers._getTimer({ timerId, user: "ada" })).toHaveLength(1);
  });

  it("treats a timer started with no user as the service's: unknown to every user, changed by none", async () => {
    const { timerId } = ok(await timers.start({ durationMs: minute, phase: "reading" }));
    expect(await timers._getTimer({ timerId, user: "mallory" })).toEqual([]);
    for (const change of [timers.pause, timers.resume, timers.expire]) {
      expect(await change.call(timers, { timerId, user: "mallory" })).toMatchObject({ error: "timer not found", reason: "not_found" });
    }
    expect((await timer(timerId)).isActive).toBe(true);
    ok(await timers.pause({ timerId }));
    expect((await timer(timerId)).isActive).toBe(false);
  });

  it("_getActiveTimers lists only running timers, in the seed's row shape with the time run and left", async () => {
    const running = ok(await timers.start({ durationMs: minute, phase: "reading", user: "ada" }));
    const paused = ok(await timers.start({ durationMs: minute, phase: "reading" }));
    ok(await timers.pause({ timerId: paused.timerId }));
    const rows = await timers._getActiveTimers({});
    expect(rows.map((row) => row._id)).toEqual([running.timerId]);
    expect(Object.keys(rows[0]!).sort()).toEqual(["_id", "durationMs", "elapsedMs", "isActive", "phase", "remainingMs", "startedAtMs"]);
  });

  it("_getActiveTimers and _getTimersByPhase list only the user's timers when a user is given", async () => {
    const adas = ok(await timers.start({ durationMs: minute, phase: "reading", user: "ada" }));
    ok(await timers.start({ durationMs: minute, phase: "reading", user: "grace" }));
    ok(await timers.start({ durationMs: minute, phase: "reading" }));
    expect((await timers._getActiveTimers({ user: "ada" })).map((row) => row._id)).toEqual([adas.timerId]);
    expect((await timers._getTimersByPhase({ phase: "reading", user: "ada" })).map((row) => row._id)).toEqual([adas.timerId]);
    expect(await timers._getActiveTimers({})).toHaveLength(3);
  });

  it("_getTimersByPhase lists the timers in that phase", async () => {
    const reading = ok(await timers.start({ durationMs: minute, phase: "reading" }));
    const resting = ok(await timers.start({ durationMs: minute, phase: "break" }));
    expect((await timers._getTimersByPhase({ phase: "reading" })).map((row) => row._id)).toEqual([reading.timerId]);
    expect((await timers._getTimersByPhase({ phase: "break" })).map((row) => row._id)).toEqual([resting.timerId]);
  });
});
