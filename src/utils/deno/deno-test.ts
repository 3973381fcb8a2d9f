/**
 * `Deno.test` and `t.step` on vitest, so a test written for the 6.1040 template (Deno) runs
 * under `npm test` unchanged. Each `Deno.test` is one vitest test; its steps run inside it, in
 * order, as Deno runs them, and a failing step fails the test with the step's name.
 */
import { test } from "vitest";

export interface TestContext {
  readonly name: string;
  /** Runs a step now; resolves true when it passed (a failure fails the enclosing test). */
  step(name: string, fn: (t: TestContext) => unknown): Promise<boolean>;
  step(definition: StepDefinition): Promise<boolean>;
}

export interface StepDefinition {
  name: string;
  fn: (t: TestContext) => unknown;
  ignore?: boolean;
}

export interface TestDefinition {
  name: string;
  fn: (t: TestContext) => unknown;
  ignore?: boolean;
  only?: boolean;
  /** Deno's resource checks have no counterpart here; accepted and ignored. */
  sanitizeOps?: boolean;
  sanitizeResources?: boolean;
  sanitizeExit?: boolean;
  permissions?: unknown;
}

type TestFn = (t: TestContext) => unknown;
type TestOptions = Omit<TestDefinition, "name" | "fn">;

/** The `t` a test (or step) named `name` receives. */
export function testContext(name: string): TestContext {
  return {
    name,
    async step(nameOrDefinition: string | StepDefinition, maybeFn?: TestFn): Promise<boolean> {
      const definition = typeof nameOrDefinition === "string" ? { name: nameOrDefinition, fn: maybeFn as TestFn } : nameOrDefinition;
      if (definition.ignore === true) return false;
      try {
        await definition.fn(testContext(`${name} > ${definition.name}`));
        return true;
      } catch (error) {
        if (error instanceof Error) error.message = `step "${definition.name}": ${error.message}`;
        throw error;
      }
    },
  };
}

/** Options with the name in them, the function after: `Deno.test({ name, sanitizeOps: false }, fn)`. */
type NamedOptions = Omit<TestDefinition, "fn">;

/**
 * `Deno.test(name, fn)`, `Deno.test(name, options, fn)`, `Deno.test({ name, fn, ignore?, only? })`,
 * `Deno.test({ name, ...options }, fn)`, `Deno.test(fn)`.
 */
export function denoTest(first: string | TestDefinition | NamedOptions | TestOptions | TestFn, second?: TestFn | TestOptions, third?: TestFn): void {
  let definition: TestDefinition;
  if (typeof first === "function") definition = { name: first.name || "(anonymous)", fn: first };
  else if (typeof first === "string") definition = typeof second === "function" ? { name: first, fn: second } : { ...second, name: first, fn: third as TestFn };
  else if (typeof second === "function") definition = { ...first, name: ("name" in first ? first.name : undefined) ?? (second.name || "(anonymous)"), fn: second };
  else definition = first as TestDefinition;
  const run = async () => {
    await definition.fn(testContext(definition.name));
  };
  // `ignore` is the author's word that the test does not run: reported as skipped, as Deno
  // reports it ignored. `only` is not honoured: Deno fails a run that uses it, and focusing
  // here would silently drop the file's other tests from npm test, so every test runs.
  if (definition.ignore === true) test.skip(definition.name, run);
  else test(definition.name, run);
}
