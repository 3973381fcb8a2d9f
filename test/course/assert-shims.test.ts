/**
 * The `jsr:@std/assert` shims take what std's take (so course tests compile: `npm run typecheck`
 * checks this file), answer what std's answer, and fail as std's fail.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  AssertionError,
  assertAlmostEquals,
  assertArrayIncludes,
  assertFalse,
  assertGreater,
  assertGreaterOrEqual,
  assertIsError,
  assertLess,
  assertLessOrEqual,
  assertNotInstanceOf,
  assertNotMatch,
  assertObjectMatch,
  assertRejects,
  assertThrows,
  equal,
} from "jsr:@std/assert";

/** A document typed by an interface, as course concepts type their collections (no index signature). */
interface Note {
  _id: string;
  title: string;
  tags: string[];
}

class Refused extends Error {
  readonly reason = "refused";
}

describe("jsr:@std/assert shims", () => {
  it("assertObjectMatch takes an interface-typed document", () => {
    const note: Note = { _id: "n1", title: "Ada", tags: ["math"] };
    assertObjectMatch(note, { title: "Ada", tags: ["math"] });
    expect(() => assertObjectMatch(note, { title: "Grace" })).toThrow();
  });

  it("assertThrows and assertRejects answer the error typed by its class", async () => {
    const thrown = assertThrows(() => {
      throw new Refused("no");
    }, Refused, "no");
    expectTypeOf(thrown).toEqualTypeOf<Refused>();
    expect(thrown.reason).toBe("refused");
    const rejected = await assertRejects(() => Promise.reject(new Refused("later")), Refused);
    expectTypeOf(rejected).toEqualTypeOf<Refused>();
    expect(rejected.message).toBe("later");
    expect(() => assertThrows(() => undefined, "it should throw")).toThrow("it should throw");
  });

  it("assertIsError narrows, and checks the class and message", () => {
    const error: unknown = new Refused("not allowed");
    assertIsError(error, Refused, /allowed/);
    expect(error.reason).toBe("refused");
    expect(() => assertIsError("text")).toThrow(AssertionError);
    expect(() => assertIsError(new Error("x"), Refused)).toThrow();
  });

  it("comparisons, equal, assertNotMatch, assertNotInstanceOf, assertFalse and assertArrayIncludes", () => {
    assertGreater(2, 1);
    assertGreaterOrEqual(2, 2);
    assertLess("a", "b");
    assertLessOrEqual(1, 1);
    expect(() => assertGreater(1, 1)).toThrow(AssertionError);
    expect(() => assertLess(2, 1)).toThrow(AssertionError);
    assertAlmostEquals(0.1 + 0.2, 0.3);
    expect(() => assertAlmostEquals(1, 1.1, 0.01)).toThrow(AssertionError);
    expect(equal({ a: [1] }, { a: [1] })).toBe(true);
    expect(equal({ a: 1 }, { a: 2 })).toBe(false);
    assertNotMatch("abc", /x/);
    assertNotInstanceOf(new Error("x"), Refused);
    assertFalse(0);
    assertArrayIncludes([1, 2, 3], [3, 1]);
    expect(() => assertArrayIncludes([1], [2])).toThrow();
  });
});
