/**
 * The sync `npm run new -- sync <feature> <Name> --when A.x --then B.y` writes: B.y's inputs
 * bound to A.x's outputs or inputs of the same name, a placeholder (with a comment) for a
 * required input with no namesake, optional ones left out, and names that cannot be
 * variables renamed. (test/scripts/scaffolding.test.ts compiles and runs one.)
 */
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { conceptSyncFiles, namedAction } from "../../scripts/new/concept-sync-template.ts";
import { action, query, type ConceptClass } from "../../src/engine/concept.ts";
import { id, instant } from "../../src/utils/schemas.ts";

function concept(conceptName: string, schemas: ConceptClass["schemas"]): ConceptClass {
  return { conceptName, schemas } as ConceptClass;
}

const Shelf = concept("Shelf", {
  finish: action({ input: z.object({ user: id, in: z.string() }), output: z.object({ book: id, finishedAt: z.date() }) }),
  _list: query({ input: z.object({}), output: z.object({}) }),
});
const Goal = concept("Goal", {
  advance: action({ input: z.object({ user: id, book: id, in: z.string(), at: instant, pages: z.number(), note: z.string().optional() }), output: z.object({}) }),
});

describe("a sync between concepts, as scaffolded", () => {
  it("binds namesakes, renames what cannot be a variable, and marks a required input with no namesake", () => {
    const when = namedAction([Shelf, Goal], "Shelf.finish");
    const then = namedAction([Shelf, Goal], "Goal.advance");
    if (typeof when === "string" || typeof then === "string") throw new Error("named actions not found");
    const source = conceptSyncFiles("reading", "FinishedBookAdvancesGoal", when, then).get("src/syncs/reading/finished-book-advances-goal.sync.ts")!;
    expect(source).toContain("export const FinishedBookAdvancesGoal: Sync = ({ user, book, inValue }) => ({");
    expect(source).toContain("when: actions([Shelf.finish, { user, in: inValue }, { book }]),");
    expect(source).toContain(
      'then: actions([Goal.advance, { user, book, in: inValue, at: new Date() /* not in Shelf.finish: bind it in a where clause */, pages: 1 /* not in Shelf.finish: bind it in a where clause */ }]),',
    );
  });

  it("names the actions there are when one named is not an action", () => {
    expect(namedAction([Shelf, Goal], "Shelf._list")).toBe("Shelf._list is not an action of a concept here; the actions: Shelf.finish, Goal.advance");
    expect(namedAction([Shelf, Goal], "Shelf")).toMatch(/^Shelf is not an action/);
  });
});
