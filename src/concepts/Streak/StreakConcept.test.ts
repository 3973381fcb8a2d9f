/**
 * Streak's principle as a course test is written (Deno.test, t.step, jsr:@std/assert,
 * testDb): it runs under `npm test` beside its concept, as the template keeps its tests.
 * The full behaviour is specified in test/concepts/Streak.test.ts.
 */
import { assertEquals, assertObjectMatch } from "jsr:@std/assert";
import { testDb } from "@utils/database.ts";
import { StreakConcept } from "./StreakConcept.ts";

Deno.test("Principle: activity on days d, d+1, d+2 makes a streak of 3; a gap starts again at 1", async (t) => {
  const [db, client] = await testDb();
  const clock = { now: () => new Date("2026-03-04T12:00:00Z") };
  const streaks = new StreakConcept(db, { clock });
  try {
    await t.step("three consecutive days count 3", async () => {
      for (const [session, at] of [["s1", "2026-03-01T09:00:00Z"], ["s2", "2026-03-02T09:00:00Z"], ["s3", "2026-03-03T09:00:00Z"]] as const) {
        await streaks.recordActivity({ user: "ada", at: new Date(at), session });
      }
      assertObjectMatch((await streaks._getStreak({ user: "ada" }))[0]!, { current: 3, longest: 3, lastActiveDay: "2026-03-03" });
    });
    await t.step("after a gap the next activity counts 1, the longest run stays", async () => {
      const result = await streaks.recordActivity({ user: "ada", at: new Date("2026-03-06T09:00:00Z"), session: "s4" });
      assertEquals("error" in result, false);
      assertObjectMatch((await streaks._getStreak({ user: "ada" }))[0]!, { current: 1, longest: 3 });
    });
  } finally {
    await client.close();
  }
});
