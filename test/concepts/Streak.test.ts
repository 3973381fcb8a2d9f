import fc from "fast-check";
import { DateTime } from "luxon";
import { beforeEach, describe, expect, it } from "vitest";
import { recentSessions, StreakConcept } from "../../src/concepts/Streak/StreakConcept.ts";
import { useConceptDatabase } from "./concept-database.ts";
import { commandLog, Killed, killedAfterWrites } from "./database-probes.ts";
import { FakeClock, ok } from "./fake-clock.ts";

const db = useConceptDatabase();
let clock: FakeClock;
let streaks: StreakConcept;
let sessionCount = 0;

beforeEach(() => {
  clock = new FakeClock("2026-02-18T12:00:00Z");
  streaks = new StreakConcept(db(), { clock });
});

/** Records a new session's activity at `at` (ISO), as the sync does when a session completes. */
async function activity(at: string, options: { user?: string; timeZone?: string; session?: string } = {}) {
  const session = options.session ?? `session-${++sessionCount}`;
  return ok(
    await streaks.recordActivity({
      user: options.user ?? "ada",
      at: new Date(at),
      session,
      ...(options.timeZone && { timeZone: options.timeZone }),
    }),
  );
}

async function streak(user = "ada") {
  return (await streaks._getStreak({ user }))[0];
}

describe("Streak principle", () => {
  it("counts consecutive days, ignores a second activity on one day, reads 0 after a missed day and restarts at 1", async () => {
    expect(await activity("2026-02-18T09:00:00Z")).toEqual({ current: 1, longest: 1 });
    expect(await activity("2026-02-19T09:00:00Z")).toEqual({ current: 2, longest: 2 });
    expect(await activity("2026-02-20T09:00:00Z")).toEqual({ current: 3, longest: 3 });
    expect(await activity("2026-02-20T21:00:00Z")).toEqual({ current: 3, longest: 3 });

    clock.set("2026-02-21T12:00:00Z"); // the day after: the streak still stands
    expect(await streak()).toEqual({ user: "ada", current: 3, longest: 3, lastActiveDay: "2026-02-20" });
    clock.set("2026-02-22T12:00:00Z"); // a whole day passed without activity
    expect(await streak()).toEqual({ user: "ada", current: 0, longest: 3, lastActiveDay: "2026-02-20" });

    expect(await activity("2026-02-22T12:00:00Z")).toEqual({ current: 1, longest: 3 });
    expect(await streak()).toEqual({ user: "ada", current: 1, longest: 3, lastActiveDay: "2026-02-22" });
  });
});

describe("Streak.recordActivity", () => {
  it("starts a streak of 1 on a user's first activity", async () => {
    expect(await activity("2026-02-18T09:00:00Z")).toEqual({ current: 1, longest: 1 });
  });

  it("resets to 1 after a gap of more than one day, keeping the longest", async () => {
    await activity("2026-02-10T09:00:00Z");
    await activity("2026-02-11T09:00:00Z");
    expect(await activity("2026-02-13T09:00:00Z")).toEqual({ current: 1, longest: 2 });
  });

  it("changes nothing for an activity on a day before the last active day", async () => {
    await activity("2026-02-17T09:00:00Z");
    await activity("2026-02-18T09:00:00Z");
    expect(await activity("2026-02-10T09:00:00Z")).toEqual({ current: 2, longest: 2 });
    expect((await streak())?.lastActiveDay).toBe("2026-02-18");
  });

  it("changes nothing when the same session is recorded twice, even with another time", async () => {
    await activity("2026-02-17T09:00:00Z", { session: "s1" });
    expect(await activity("2026-02-18T09:00:00Z", { session: "s1" })).toEqual({ current: 1, longest: 1 });
    expect((await streak())?.lastActiveDay).toBe("2026-02-17");
  });

  it(`forgets a session once ${recentSessions} later ones were counted: counting its day again changes nothing then either`, async () => {
    await activity("2026-02-17T09:00:00Z", { session: "old" });
    for (let index = 0; index < recentSessions; index++) await activity("2026-02-18T09:00:00Z");
    expect(await activity("2026-02-17T09:00:00Z", { session: "old" })).toEqual({ current: 2, longest: 2 });
    expect(await activity("2026-02-18T10:00:00Z", { session: "old" })).toEqual({ current: 2, longest: 2 });
    expect(await streak()).toMatchObject({ current: 2, lastActiveDay: "2026-02-18" });
  });

  it("counts calendar days in the user's time zone: 23:30 in New York is still that New York day", async () => {
    // 2026-02-18 23:30 in New York is 2026-02-19 04:30 UTC.
    await activity("2026-02-18T14:00:00Z", { timeZone: "America/New_York" });
    expect(await activity("2026-02-19T04:30:00Z", { timeZone: "America/New_York" })).toEqual({ current: 1, longest: 1 });
    expect(await activity("2026-02-19T14:00:00Z", { timeZone: "America/New_York" })).toEqual({ current: 2, longest: 2 });
  });

  it("counts the same instants as two days in UTC", async () => {
    await activity("2026-02-18T14:00:00Z");
    expect(await activity("2026-02-19T04:30:00Z")).toEqual({ current: 2, longest: 2 });
  });

  it("keeps using the user's last time zone when an activity names none", async () => {
    await activity("2026-02-18T14:00:00Z", { timeZone: "Asia/Tokyo" }); // 23:00 in Tokyo on the 18th
    // 2026-02-18T16:00Z is already the 19th in Tokyo.
    expect(await activity("2026-02-18T16:00:00Z")).toEqual({ current: 2, longest: 2 });
  });

  it("counts a day once when 20 sessions of one day are recorded concurrently", async () => {
    const outputs = await Promise.all(Array.from({ length: 20 }, (_, index) => activity(`2026-02-18T09:${String(index).padStart(2, "0")}:00Z`)));
    expect(outputs.every((output) => output.current === 1)).toBe(true);
    expect(await streak()).toMatchObject({ current: 1, longest: 1 });
  });

  it("ends up as if sequential when activities on consecutive days arrive concurrently in order of days", async () => {
    await activity("2026-02-15T09:00:00Z");
    await Promise.all([activity("2026-02-16T09:00:00Z"), activity("2026-02-16T10:00:00Z"), activity("2026-02-16T11:00:00Z")]);
    await Promise.all([activity("2026-02-17T09:00:00Z"), activity("2026-02-17T10:00:00Z")]);
    clock.set("2026-02-17T12:00:00Z");
    expect(await streak()).toMatchObject({ current: 3, longest: 3, lastActiveDay: "2026-02-17" });
  });

  it("requires a known time zone", async () => {
    const output = await streaks.recordActivity({ user: "ada", at: new Date(), session: "s", timeZone: "Moon/Base" });
    expect(output).toHaveProperty("error");
    expect(StreakConcept.schemas.recordActivity.input.safeParse({ user: "ada", at: "2026-02-18", session: "s", timeZone: "Moon/Base" }).success).toBe(false);
    expect(StreakConcept.schemas.recordActivity.syncOnly).toBe(true);
  });
});

describe("Streak from the set of active days (issue 28)", () => {
  it("counts a late arrival on its own day: days 1, 3, then 2, then 4 give 1, 1, 3, 4", async () => {
    expect(await activity("2026-02-01T09:00:00Z")).toEqual({ current: 1, longest: 1 });
    expect(await activity("2026-02-03T09:00:00Z")).toEqual({ current: 1, longest: 1 });
    expect(await activity("2026-02-02T09:00:00Z")).toEqual({ current: 3, longest: 3 });
    expect(await activity("2026-02-04T09:00:00Z")).toEqual({ current: 4, longest: 4 });
    clock.set("2026-02-05T12:00:00Z");
    expect(await streak()).toEqual({ user: "ada", current: 4, longest: 4, lastActiveDay: "2026-02-04" });
  });

  it("joins two earlier runs when the day between them arrives late, and keeps the latest run current", async () => {
    for (const day of ["01", "02", "04", "05", "09"]) await activity(`2026-02-${day}T09:00:00Z`);
    expect(await activity("2026-02-03T09:00:00Z")).toEqual({ current: 1, longest: 5 });
    expect((await streak())?.lastActiveDay).toBe("2026-02-09");
  });

  it("follows the zone of the latest activity, even on a day already counted: Kiritimati 23:00, then Pago Pago 00:30 the same local day", async () => {
    // 2026-02-10 23:00 in Kiritimati (UTC+14) is 09:00Z; 2026-02-10 00:30 in Pago Pago (UTC-11) is 11:30Z, later.
    await activity("2026-02-10T09:00:00Z", { timeZone: "Pacific/Kiritimati" });
    expect(await activity("2026-02-10T11:30:00Z", { timeZone: "Pacific/Pago_Pago" })).toEqual({ current: 1, longest: 1 });
    clock.set("2026-02-11T20:00:00Z"); // the 12th in Kiritimati, still the 11th in Pago Pago
    expect((await streak())?.current).toBe(1);
    expect(await streaks._getTimeZone({ user: "ada" })).toEqual([{ user: "ada", timeZone: "Pacific/Pago_Pago" }]);
  });

  it("keeps the latest activity's zone when an earlier one arrives late from elsewhere", async () => {
    await activity("2026-02-10T15:00:00Z", { timeZone: "America/New_York" });
    await activity("2026-02-09T15:00:00Z", { timeZone: "Asia/Tokyo" });
    expect(await streaks._getTimeZone({ user: "ada" })).toEqual([{ user: "ada", timeZone: "America/New_York" }]);
    expect(await streaks._getTimeZone({ user: "nobody" })).toEqual([{ user: "nobody", timeZone: null }]);
  });

  it("takes the zone of the one counted last when two activities share their instant (found by the property below)", async () => {
    await activity("2026-04-09T23:59:59.974Z", { timeZone: "America/New_York", session: "s1" });
    await activity("2026-04-09T23:59:59.974Z", { timeZone: "America/St_Johns", session: "s2" });
    expect(await streaks._getTimeZone({ user: "ada" })).toEqual([{ user: "ada", timeZone: "America/St_Johns" }]);
  });

  it("answers many users' zones in one call as _getTimeZone answers each (the engine's reads of one turn)", async () => {
    await activity("2026-02-10T15:00:00Z", { timeZone: "America/New_York" });
    await activity("2026-02-10T15:00:00Z", { user: "grace", timeZone: "Asia/Kolkata" });
    const inputs = [{ user: "grace" }, { user: "nobody" }, { user: "ada" }, { user: "grace" }];
    const one = await Promise.all(inputs.map((input) => streaks._getTimeZone(input)));
    expect(await streaks._getTimeZoneMany(inputs)).toEqual(one);
    expect(one.map((rows) => rows[0]?.timeZone)).toEqual(["Asia/Kolkata", null, "America/New_York", "Asia/Kolkata"]);
  });

  it("stores a zone canonical and refuses an abbreviation", async () => {
    await activity("2026-02-10T15:00:00Z", { timeZone: "america/new_york" });
    expect(await streaks._getTimeZone({ user: "ada" })).toEqual([{ user: "ada", timeZone: "America/New_York" }]);
    expect(await streaks.recordActivity({ user: "ada", at: new Date(), session: "s", timeZone: "EST" })).toHaveProperty("error");
  });

  it("carries on from a streak written before runs were kept (its current run stands for its days)", async () => {
    await db().collection<{ _id: string }>("Streak.streaks").insertOne({ _id: "old", current: 3, longest: 5, lastActiveDay: "2026-02-10", timeZone: "UTC", sessions: [], rev: 4 } as never);
    expect(await activity("2026-02-11T09:00:00Z", { user: "old" })).toEqual({ current: 4, longest: 5 });
    expect(await activity("2026-02-07T09:00:00Z", { user: "old" })).toEqual({ current: 5, longest: 5 });
    expect(await activity("2026-02-12T09:00:00Z", { user: "old" })).toEqual({ current: 6, longest: 6 });
  });

  it("answers, for activities in any order, any zones and any repeats, the streak the set of their local days makes (days by luxon)", async () => {
    const zones = ["America/New_York", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kolkata", "America/St_Johns", "Australia/Lord_Howe", "UTC"];
    const anActivity = fc.record({
      // Around the March 2026 clock changes of both hemispheres.
      at: fc.integer({ min: Date.parse("2026-02-25T00:00:00Z"), max: Date.parse("2026-04-10T00:00:00Z") }),
      zone: fc.constantFrom(...zones),
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(anActivity, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 3 }), async (activities, repeats) => {
        const user = `prop-${++run}`;
        const sessions = activities.map((_, index) => `${user}-s${index}`);
        for (const [index, { at, zone }] of activities.entries()) await activity(new Date(at).toISOString(), { user, timeZone: zone, session: sessions[index] });
        for (const repeat of repeats) {
          const index = repeat % activities.length;
          await activity(new Date(activities[index]!.at + 86_400_000).toISOString(), { user, session: sessions[index] });
        }
        const days = [...new Set(activities.map(({ at, zone }) => DateTime.fromMillis(at, { zone }).toISODate()!))].sort();
        const latest = activities.reduce((a, b) => (b.at >= a.at ? b : a));
        clock.set(DateTime.fromISO(days.at(-1)!, { zone: latest.zone }).plus({ hours: 12 }).toJSDate());
        const expected = modelStreak(days);
        const answered = await streak(user);
        expect(answered).toEqual({ user, lastActiveDay: days.at(-1), current: expected.current, longest: expected.longest });
        expect((await streaks._getTimeZone({ user }))[0]?.timeZone).toBe(latest.zone);
      }),
      { numRuns: 60 },
    );
  });
});

/** A streak by the book: the run of consecutive days ending at the latest, and the longest run, of a sorted set of days. */
function modelStreak(days: readonly string[]): { current: number; longest: number } {
  let current = 0;
  let longest = 0;
  for (const [index, day] of days.entries()) {
    const follows = index > 0 && DateTime.fromISO(days[index - 1]!).plus({ days: 1 }).toISODate() === day;
    current = follows ? current + 1 : 1;
    longest = Math.max(longest, current);
  }
  return { current, longest };
}

describe("Streak.recordActivity at the database", () => {
  const day17 = { at: new Date("2026-02-17T09:00:00Z"), timeZone: "UTC" };
  const day18 = { at: new Date("2026-02-18T09:00:00Z"), timeZone: "UTC" };

  it("costs one plain update for a day already counted or a first activity, and a read and a guarded write for a new day", async () => {
    const log = await commandLog(db());
    try {
      const counted = new StreakConcept(log.db, { clock });
      const newDay = ["findAndModify Streak.streaks", "find Streak.streaks"];
      expect(ok(await counted.recordActivity({ user: "ada", session: "s17", ...day17 }))).toEqual({ current: 1, longest: 1 });
      expect(log.take()).toEqual(["findAndModify Streak.streaks"]);
      expect(ok(await counted.recordActivity({ user: "ada", session: "s18", ...day18 }))).toEqual({ current: 2, longest: 2 });
      expect(log.take()).toEqual([...newDay, "update Streak.streaks"]);
      expect(ok(await counted.recordActivity({ user: "ada", session: "s18b", ...day18 }))).toEqual({ current: 2, longest: 2 });
      expect(log.take()).toEqual(["findAndModify Streak.streaks"]);
      // A repeat changes nothing: the update finds the session among the latest, the read says so.
      expect(ok(await counted.recordActivity({ user: "ada", session: "s18", ...day18 }))).toEqual({ current: 2, longest: 2 });
      expect(log.take()).toEqual(newDay);
      // Naming no time zone costs a read of the user's last one first.
      ok(await counted.recordActivity({ user: "ada", session: "s18c", at: day18.at }));
      expect(log.take()).toEqual(["find Streak.streaks", "findAndModify Streak.streaks"]);
      const stored = await db().collection("Streak.streaks").findOne({ _id: "ada" as never });
      expect(stored).toMatchObject({ current: 2, longest: 2, lastActiveDay: "2026-02-18", sessions: ["s17", "s18", "s18b", "s18c"] });
    } finally {
      await log.close();
    }
  });

  it("counts a session once when its process is killed after its write and it runs again, with or without its key", async () => {
    await activity("2026-02-17T09:00:00Z");
    const input = { user: "ada", session: "killed", ...day18 };
    const dying = new StreakConcept(killedAfterWrites(db(), 1, ["Streak.streaks"]), { clock });
    await expect(dying.recordActivity(input)).rejects.toThrow(Killed);

    const restarted = new StreakConcept(db(), { clock });
    expect(ok(await restarted.recordActivity(input))).toEqual({ current: 2, longest: 2 });
    // Again, and with another time: the session's first recording stands.
    expect(ok(await restarted.recordActivity({ ...input, at: new Date("2026-02-19T09:00:00Z") }))).toEqual({ current: 2, longest: 2 });
    expect(await streak()).toEqual({ user: "ada", current: 2, longest: 2, lastActiveDay: "2026-02-18" });
  });

  it("counts a session once when its duplicates run concurrently in three processes", async () => {
    await activity("2026-02-17T09:00:00Z");
    const connections = await Promise.all([0, 1, 2].map(() => commandLog(db())));
    try {
      const processes = connections.map((connection) => new StreakConcept(connection.db, { clock }));
      const input = { user: "ada", session: "duplicated", ...day18 };
      const outputs = await Promise.all(Array.from({ length: 12 }, (_, index) => processes[index % 3]!.recordActivity(input)));
      expect(outputs).toEqual(Array.from({ length: 12 }, () => ({ current: 2, longest: 2 })));
      expect(await streak()).toEqual({ user: "ada", current: 2, longest: 2, lastActiveDay: "2026-02-18" });
    } finally {
      await Promise.all(connections.map((connection) => connection.close()));
    }
  });

  it("counts each day once when three processes record a user's sessions of consecutive days concurrently, day by day", async () => {
    const connections = await Promise.all([0, 1, 2].map(() => commandLog(db())));
    try {
      const processes = connections.map((connection) => new StreakConcept(connection.db, { clock }));
      for (const day of ["2026-02-16", "2026-02-17", "2026-02-18"]) {
        await Promise.all(
          processes.map((process, index) => process.recordActivity({ user: "ada", session: `${day}-${index}`, at: new Date(`${day}T0${index}:00:00Z`), timeZone: "UTC" })),
        );
      }
      expect(await streak()).toEqual({ user: "ada", current: 3, longest: 3, lastActiveDay: "2026-02-18" });
    } finally {
      await Promise.all(connections.map((connection) => connection.close()));
    }
  });
});

describe("Streak._getStreak", () => {
  it("answers zeros and no last active day for a user with no activity", async () => {
    expect(await streaks._getStreak({ user: "nobody" })).toEqual([{ user: "nobody", current: 0, longest: 0, lastActiveDay: null }]);
  });

  it("judges yesterday in the user's time zone", async () => {
    await activity("2026-02-18T14:00:00Z", { timeZone: "America/New_York" }); // the 18th in New York
    clock.set("2026-02-20T04:30:00Z"); // still the 19th (23:30) in New York: the streak stands
    expect((await streak())?.current).toBe(1);
    clock.set("2026-02-20T05:30:00Z"); // the 20th in New York: the 19th had no activity
    expect((await streak())?.current).toBe(0);
  });
});
