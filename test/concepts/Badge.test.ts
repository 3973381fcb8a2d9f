import { beforeEach, describe, expect, it } from "vitest";
import { BadgeConcept } from "../../src/concepts/Badge/BadgeConcept.ts";
import { useConceptDatabase } from "./concept-database.ts";
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
