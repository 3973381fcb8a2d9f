/** The Deno test shims: `Deno.test`, `t.step` and `jsr:@std/assert`, on vitest. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import {
  assert,
  assertArrayIncludes,
  assertEquals,
  assertExists,
  assertNotEquals,
  assertObjectMatch,
  assertRejects,
  assertThrows,
  AssertionError,
} from "jsr:@std/assert";
import { testContext } from "../../src/utils/deno/deno-test.ts";

const order: string[] = [];

Deno.test("Deno.test runs its steps in order, inside one test", async (t) => {
  order.push("test");
  expect(await t.step("first", () => void order.push("first"))).toBe(true);
  await t.step({ name: "second", fn: async (inner) => void order.push(`second in ${inner.name}`) });
  expect(await t.step({ name: "ignored", fn: () => void order.push("ignored"), ignore: true })).toBe(false);
  expect(order).toEqual(["test", "first", "second in Deno.test runs its steps in order, inside one test > second"]);
});

Deno.test({ name: "Deno.test takes a definition object", fn: () => void order.push("definition") });

Deno.test("Deno.test takes options before the function", { sanitizeOps: false }, () => void order.push("options"));

// `only` would drop the file's other tests from npm test: every test runs instead.
Deno.test({ name: "Deno.test runs a test marked only like any other", only: true, fn: () => void order.push("only") });

// As course tests write it to keep a database client open: the name in the options, the function after.
Deno.test({ name: "Deno.test takes named options, then the function", sanitizeResources: false, sanitizeOps: false }, () => void order.push("named options"));

it("ran every Deno.test of this file before this one, in order", () => {
  expect(order.slice(-4)).toEqual(["definition", "options", "only", "named options"]);
});

it("a failing step rejects with the step's name, so the test fails saying which step", async () => {
  const t = testContext("outer");
  await expect(
    t.step("inner", () => {
      throw new Error("boom");
    }),
  ).rejects.toThrow('step "inner": boom');
});

it("the assertions pass on what they check and throw otherwise, with Deno's argument order", async () => {
  assertEquals({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] });
  expect(() => assertEquals({ a: 1 }, { a: 2 }, "values differ")).toThrow(/values differ/);
  assertNotEquals(1, 2);
  expect(() => assertNotEquals([1], [1])).toThrow();
  assertExists(0);
  expect(() => assertExists(null, "missing")).toThrow(/missing/);
  assert("non-empty");
  expect(() => assert(false, "falsy")).toThrow(AssertionError);
  assertObjectMatch({ a: 1, b: { c: 2, d: 3 } }, { b: { c: 2 } });
  expect(() => assertObjectMatch({ a: 1 }, { a: 2 })).toThrow();
  assertArrayIncludes([1, 2, 3], [3, 1]);
  const thrown = assertThrows(() => {
    throw new RangeError("too far");
  }, RangeError, "far");
  expect(thrown).toBeInstanceOf(RangeError);
  expect(() => assertThrows(() => undefined)).toThrow(AssertionError);
  expect(() => assertThrows(() => { throw new Error("x"); }, TypeError)).toThrow();
  await assertRejects(() => Promise.reject(new Error("no")), Error, "no");
  await expect(assertRejects(() => Promise.resolve(1))).rejects.toThrow(AssertionError);
});

it("Deno.env reads and writes process.env, under npm test and in the server", () => {
  Deno.env.set("PORTED_SETTING", "on");
  expect(process.env.PORTED_SETTING).toBe("on");
  expect([Deno.env.get("PORTED_SETTING"), Deno.env.has("PORTED_SETTING")]).toEqual(["on", true]);
  Deno.env.delete("PORTED_SETTING");
  expect(Deno.env.get("PORTED_SETTING")).toBeUndefined();

  const script = `import { installDenoGlobal } from "./src/utils/deno/global.ts"; installDenoGlobal();
    let refused = ""; try { Deno.test("x", () => {}); } catch (error) { refused = error.message; }
    console.log(JSON.stringify([Deno.env.get("FROM_PARENT"), refused]));`;
  const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: fileURLToPath(new URL("../../", import.meta.url)),
    env: { ...process.env, FROM_PARENT: "yes" },
    encoding: "utf8",
  });
  expect(JSON.parse(run.stdout)).toEqual(["yes", "Deno.test runs under `npm test` (vitest), not in the server"]);
});
