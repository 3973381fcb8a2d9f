import { beforeEach, describe, expect, it } from "vitest";
import { BadgeConcept, definitionsRefreshMs } from "../../src/concepts/Badge/BadgeConcept.ts";
import { useConceptDatabase } from "./concept-database.ts";
import { commandLog, Killed, killedAfterWrites } from "./database-probes.ts";
import { FakeClock, hour, ok } from "./fake-clock.ts";

const db = useConceptDatabase();
let clock: FakeClock;
let badges: BadgeConcept;

const nothingYet = { completedSessions: 0, totalFocusMs: 0, currentStreak: 0 };

beforeEach(() => {
  clock = new FakeClock("2026-02-18T12:00:00Z");
  badges = new BadgeConcept(db(), { clock }); // a fresh instance seeds the default badges again
});

const names = (list: { name: string }[]) => list.map((badge) => badge.name);

describe("Badge principle", () => {
  it("awards each badge once, when a user's figures first meet its criteria", async () => {
    expect(ok(await badges.evaluate({ user: "ada", ...nothingYet }))).toEqual({ newBadges: [], badgeCount: 0 });

    const first = ok(await badges.evaluate({ user: "ada", completedSessions: 1, totalFocusMs: 25 * 60_000, currentStreak: 1 }));
    expect(first).toEqual({
      newBadges: [{ id: "first-study", name: "First Study", description: "Completed your first session" }],
      badgeCount: 1,
    });

    clock.advance(2 * 24 * hour);
    const later = ok(await badges.evaluate({ user: "ada", completedSessions: 3, totalFocusMs: 2 * hour, currentStreak: 3 }));
    expect(names(later.newBadges)).toEqual(["Three-Day Streak"]);
    expect(later.badgeCount).toBe(2);

    const again = ok(await badges.evaluate({ user: "ada", completedSessions: 3, totalFocusMs: 2 * hour, currentStreak: 3 }));
    expect(again).toEqual({ newBadges: [], badgeCount: 2 });

    expect(await badges._getUserBadges({ user: "ada" })).toEqual([
      { id: "first-study", name: "First Study", description: "Completed your first session", earnedAt: new Date("2026-02-18T12:00:00Z") },
      { id: "three-day-streak", name: "Three-Day Streak", description: "Studied 3 days in a row", earnedAt: new Date("2026-02-20T12:00:00Z") },
    ]);
  });
});

describe("Badge.evaluate", () => {
  it("awards every badge met at once, and only those whose criteria are all met", async () => {
    ok(await badges.define({ name: "Marathon", description: "10 sessions and 10 hours", criteria: { completedSessions: 10, totalFocusMs: 10 * hour } }));
    const output = ok(await badges.evaluate({ user: "ada", completedSessions: 10, totalFocusMs: 9 * hour, currentStreak: 7 }));
    expect(names(output.newBadges).sort()).toEqual(["First Study", "Ten Sessions", "Three-Day Streak", "Week Streak"]);
    expect(output.badgeCount).toBe(4);
  });

  it("awards each badge once when 20 evaluations of one user run concurrently", async () => {
    const figures = { user: "ada", completedSessions: 10, totalFocusMs: 10 * hour, currentStreak: 3 };
    const outputs = (await Promise.all(Array.from({ length: 20 }, () => badges.evaluate(figures)))).map(ok);
    const awarded = outputs.flatMap((output) => names(output.newBadges)).sort();
    expect(awarded).toEqual(["First Study", "Ten Hours", "Ten Sessions", "Three-Day Streak"]);
    expect(await badges._getUserBadges({ user: "ada" })).toHaveLength(4);
    // Whichever evaluation awarded a badge, each answers at least what it awarded on top of what it saw held, at most all 4.
    for (const output of outputs) expect(output.badgeCount).toBeGreaterThanOrEqual(output.newBadges.length);
    expect(Math.max(...outputs.map((output) => output.badgeCount))).toBe(4);
  });

  it("keeps each user's badges apart", async () => {
    ok(await badges.evaluate({ user: "ada", completedSessions: 1, totalFocusMs: 0, currentStreak: 0 }));
    expect(ok(await badges.evaluate({ user: "grace", ...nothingYet })).badgeCount).toBe(0);
    expect(await badges._getUserBadges({ user: "grace" })).toEqual([]);
  });

  it("rejects negative figures through its schema, and is only for synchronizations", () => {
    const parsed = BadgeConcept.schemas.evaluate.input.safeParse({ user: "ada", completedSessions: -1, totalFocusMs: 0, currentStreak: 0 });
    expect(parsed.error?.issues[0]?.path).toEqual(["completedSessions"]);
    expect(BadgeConcept.schemas.evaluate.syncOnly).toBe(true);
  });
});

describe("Badge.evaluate at the database", () => {
  const firstSession = { user: "ada", completedSessions: 1, totalFocusMs: 25 * 60_000, currentStreak: 1 };

  it("costs one command when nothing is new (the user's awards) and two when it awards; the definitions are read again after definitionsRefreshMs", async () => {
    const log = await commandLog(db());
    try {
      const counted = new BadgeConcept(log.db, { clock });
      ok(await counted.evaluate({ user: "ada", ...nothingYet })); // the first call creates the indexes, seeds and reads the definitions
      log.take();
      expect(ok(await counted.evaluate({ user: "ada", ...nothingYet }))).toEqual({ newBadges: [], badgeCount: 0 });
      expect(log.take()).toEqual(["find Badge.awards"]);
      expect(names(ok(await counted.evaluate(firstSession)).newBadges)).toEqual(["First Study"]);
      expect(log.take()).toEqual(["find Badge.awards", "insert Badge.awards"]);
      expect(ok(await counted.evaluate(firstSession))).toEqual({ newBadges: [], badgeCount: 1 });
      expect(log.take()).toEqual(["find Badge.awards"]);

      clock.advance(definitionsRefreshMs);
      ok(await counted.evaluate(firstSession));
      expect(log.take().sort()).toEqual(["find Badge.awards", "find Badge.definitions"]);
    } finally {
      await log.close();
    }
  });

  it("counts the badges held but no longer met in badgeCount", async () => {
    ok(await badges.evaluate({ user: "ada", completedSessions: 1, totalFocusMs: 0, currentStreak: 3 }));
    const later = ok(await badges.evaluate({ user: "ada", completedSessions: 10, totalFocusMs: 0, currentStreak: 1 }));
    expect(later).toEqual({ newBadges: [{ id: "ten-sessions", name: "Ten Sessions", description: "Completed 10 sessions" }], badgeCount: 3 });
  });

  it("awards a badge defined through another process within definitionsRefreshMs", async () => {
    ok(await badges.evaluate({ user: "ada", ...nothingYet }));
    const elsewhere = new BadgeConcept(db(), { clock });
    const { badge } = ok(await elsewhere.define({ name: "Two Sessions", description: "Completed 2 sessions", criteria: { completedSessions: 2 } }));
    const figures = { user: "ada", completedSessions: 2, totalFocusMs: 0, currentStreak: 0 };
    expect(names(ok(await badges.evaluate(figures)).newBadges)).toEqual(["First Study"]);
    clock.advance(definitionsRefreshMs);
    expect(ok(await badges.evaluate(figures))).toEqual({ newBadges: [{ id: badge, name: "Two Sessions", description: "Completed 2 sessions" }], badgeCount: 2 });
    expect(names(await badges._getUserBadges({ user: "ada" }))).toEqual(["First Study", "Two Sessions"]);
  });

  it("awards once and answers the same when its process is killed after the award and it runs again with its key", async () => {
    const figures = { user: "ada", completedSessions: 1, totalFocusMs: 10 * hour, currentStreak: 0 };
    const context = { flow: "flow-1", idempotencyKey: "evaluate-1" };
    const dying = new BadgeConcept(killedAfterWrites(db(), 1, ["Badge.awards"]), { clock });
    await expect(dying.evaluate(figures, context)).rejects.toThrow(Killed);

    const restarted = new BadgeConcept(db(), { clock });
    const repeated = ok(await restarted.evaluate(figures, context));
    expect(repeated).toMatchObject({ badgeCount: 2 });
    expect(names(repeated.newBadges)).toEqual(["First Study", "Ten Hours"]);
    // Without the key (another evaluation), nothing is new.
    expect(ok(await restarted.evaluate(figures))).toEqual({ newBadges: [], badgeCount: 2 });
    expect(await restarted._getUserBadges({ user: "ada" })).toHaveLength(2);
  });

  it("awards each badge once when duplicates run concurrently in three processes, and those of one key all answer the same", async () => {
    const connections = await Promise.all([0, 1, 2].map(() => commandLog(db())));
    try {
      const processes = connections.map((connection) => new BadgeConcept(connection.db, { clock }));
      const figures = { user: "ada", completedSessions: 10, totalFocusMs: 10 * hour, currentStreak: 3 };
      const awarded = ["First Study", "Ten Hours", "Ten Sessions", "Three-Day Streak"];
      const sameKey = await Promise.all(
        Array.from({ length: 12 }, (_, index) => processes[index % 3]!.evaluate(figures, { flow: "flow-1", idempotencyKey: "evaluate-1" })),
      );
      for (const output of sameKey.map(ok)) expect({ names: names(output.newBadges), badgeCount: output.badgeCount }).toEqual({ names: awarded, badgeCount: 4 });

      const grace = { ...figures, user: "grace" };
      const keyEach = (await Promise.all(Array.from({ length: 12 }, (_, index) => processes[index % 3]!.evaluate(grace, { flow: `flow-${index}`, idempotencyKey: `k${index}` })))).map(ok);
      expect(keyEach.flatMap((output) => names(output.newBadges)).sort()).toEqual(awarded);
      expect(keyEach.every((output) => output.badgeCount === 4)).toBe(true);
      expect(await badges._getUserBadges({ user: "ada" })).toHaveLength(4);
      expect(await badges._getUserBadges({ user: "grace" })).toHaveLength(4);
    } finally {
      await Promise.all(connections.map((connection) => connection.close()));
    }
  });
});

describe("Badge.define", () => {
  it("adds a badge that evaluations then award", async () => {
    const { badge } = ok(await badges.define({ name: "Early Bird", description: "Two sessions", criteria: { completedSessions: 2 } }));
    const output = ok(await badges.evaluate({ user: "ada", completedSessions: 2, totalFocusMs: 0, currentStreak: 0 }));
    expect(output.newBadges).toContainEqual({ id: badge, name: "Early Bird", description: "Two sessions" });
  });

  it("requires a name no badge has, as a conflict", async () => {
    expect(await badges.define({ name: "First Study", description: "again", criteria: { completedSessions: 1 } })).toMatchObject({
      reason: "conflict",
    });
  });

  it("requires at least one criterion", async () => {
    expect(await badges.define({ name: "Nothing", description: "no criteria", criteria: {} })).toHaveProperty("error");
    expect(BadgeConcept.schemas.define.input.safeParse({ name: "Nothing", description: "", criteria: {} }).success).toBe(false);
  });
});

describe("Badge queries", () => {
  it("_getDefinitions lists the seeded defaults, First Study among them, each once however many instances seed them", async () => {
    await Promise.all([new BadgeConcept(db()).ensureIndexes(), new BadgeConcept(db()).ensureIndexes()]);
    const definitions = await badges._getDefinitions({});
    expect(definitions).toContainEqual({
      id: "first-study",
      name: "First Study",
      description: "Completed your first session",
      criteria: { completedSessions: 1 },
    });
    expect(names(definitions)).toEqual([...new Set(names(definitions))].sort());
    expect(names(definitions)).toEqual(
      expect.arrayContaining(["Ten Sessions", "Ten Hours", "Three-Day Streak", "Week Streak"]),
    );
  });

  it("_getUserBadges answers no rows for a user without badges", async () => {
    expect(await badges._getUserBadges({ user: "nobody" })).toEqual([]);
  });
});
