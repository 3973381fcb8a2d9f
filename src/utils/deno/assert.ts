/**
 * `jsr:@std/assert` for tests ported from Deno: the same names and argument order, each one
 * a vitest expectation, so a template concept test runs under `npm test` with no change to
 * its assertions. (`import ... from "jsr:@std/assert"` resolves here: tsconfig.json paths and
 * vitest.config.ts aliases.)
 */
import { expect } from "vitest";

/** Thrown by `fail` and `unreachable`, as in Deno. */
export class AssertionError extends Error {
  override readonly name = "AssertionError";
}

export function assert(condition: unknown, message?: string): asserts condition {
  if (!condition) throw new AssertionError(message ?? `expected a truthy value, got ${String(condition)}`);
}

export function assertFalse(condition: unknown, message?: string): void {
  if (condition) throw new AssertionError(message ?? `expected a falsy value, got ${String(condition)}`);
}

/** Deep equality, as Deno's (`toStrictEqual` would also compare prototypes and undefined fields). */
export function assertEquals<T>(actual: unknown, expected: T, message?: string): asserts actual is T {
  expect(actual, message).toEqual(expected);
}

export function assertNotEquals(actual: unknown, expected: unknown, message?: string): void {
  expect(actual, message).not.toEqual(expected);
}

export function assertStrictEquals<T>(actual: unknown, expected: T, message?: string): asserts actual is T {
  expect(actual, message).toBe(expected);
}

export function assertNotStrictEquals(actual: unknown, expected: unknown, message?: string): void {
  expect(actual, message).not.toBe(expected);
}

export function assertExists<T>(actual: T, message?: string): asserts actual is NonNullable<T> {
  if (actual === undefined || actual === null) throw new AssertionError(message ?? `expected a value, got ${String(actual)}`);
}

/** `actual` has at least the fields of `expected`, recursively. */
export function assertObjectMatch(actual: Record<PropertyKey, unknown>, expected: Record<PropertyKey, unknown>, message?: string): void {
  expect(actual, message).toMatchObject(expected);
}

export function assertArrayIncludes<T>(actual: ArrayLike<T>, expected: ArrayLike<T>, message?: string): void {
  expect(Array.from(actual) as unknown[], message).toEqual(expect.arrayContaining(Array.from(expected) as unknown[]));
}

export function assertStringIncludes(actual: string, expected: string, message?: string): void {
  expect(actual, message).toContain(expected);
}

export function assertMatch(actual: string, expected: RegExp, message?: string): void {
  expect(actual, message).toMatch(expected);
}

export function assertInstanceOf<T extends abstract new (...args: never[]) => unknown>(actual: unknown, expected: T, message?: string): asserts actual is InstanceType<T> {
  expect(actual, message).toBeInstanceOf(expected);
}

type ErrorClass = abstract new (...args: never[]) => Error;

function checkError(error: unknown, errorClass: ErrorClass | undefined, includes: string | undefined, message: string | undefined): void {
  if (errorClass !== undefined) expect(error, message).toBeInstanceOf(errorClass);
  if (includes !== undefined) expect(error instanceof Error ? error.message : String(error), message).toContain(includes);
}

/** `fn` throws (of `errorClass`, with a message containing `includes`, when given); answers the error. */
export function assertThrows(fn: () => unknown, errorClass?: ErrorClass | string, includes?: string, message?: string): unknown {
  try {
    fn();
  } catch (error) {
    if (typeof errorClass === "string") checkError(error, undefined, undefined, errorClass);
    else checkError(error, errorClass, includes, message);
    return error;
  }
  throw new AssertionError(typeof errorClass === "string" ? errorClass : (message ?? "expected the function to throw"));
}

/** `fn`'s promise rejects (of `errorClass`, with a message containing `includes`, when given); answers the error. */
export async function assertRejects(fn: () => PromiseLike<unknown>, errorClass?: ErrorClass | string, includes?: string, message?: string): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    if (typeof errorClass === "string") checkError(error, undefined, undefined, errorClass);
    else checkError(error, errorClass, includes, message);
    return error;
  }
  throw new AssertionError(typeof errorClass === "string" ? errorClass : (message ?? "expected the promise to reject"));
}

export function fail(message?: string): never {
  throw new AssertionError(message ?? "failed");
}

export function unreachable(message?: string): never {
  throw new AssertionError(message ?? "unreachable");
}
