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

type Falsy = false | 0 | 0n | "" | null | undefined;

export function assertFalse(condition: unknown, message?: string): asserts condition is Falsy {
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

/**
 * `actual` has at least the fields of `expected`, recursively. `actual` is any object, as
 * std's `Record<PropertyKey, any>` takes one: a document typed by an interface (which has no
 * index signature) is accepted.
 */
export function assertObjectMatch(actual: object, expected: Record<PropertyKey, unknown>, message?: string): void {
  expect(actual, message).toMatchObject(expected);
}

export function assertArrayIncludes<T>(actual: ArrayLike<T> & object, expected: ArrayLike<T> & object, message?: string): void {
  expect(Array.from(actual) as unknown[], message).toEqual(expect.arrayContaining(Array.from(expected) as unknown[]));
}

export function assertStringIncludes(actual: string, expected: string, message?: string): void {
  expect(actual, message).toContain(expected);
}

export function assertMatch(actual: string, expected: RegExp, message?: string): void {
  expect(actual, message).toMatch(expected);
}

export function assertNotMatch(actual: string, expected: RegExp, message?: string): void {
  expect(actual, message).not.toMatch(expected);
}

export function assertGreater<T>(actual: T, expected: T, message?: string): void {
  if (!(actual > expected)) throw new AssertionError(message ?? `expected ${String(actual)} > ${String(expected)}`);
}

export function assertGreaterOrEqual<T>(actual: T, expected: T, message?: string): void {
  if (!(actual >= expected)) throw new AssertionError(message ?? `expected ${String(actual)} >= ${String(expected)}`);
}

export function assertLess<T>(actual: T, expected: T, message?: string): void {
  if (!(actual < expected)) throw new AssertionError(message ?? `expected ${String(actual)} < ${String(expected)}`);
}

export function assertLessOrEqual<T>(actual: T, expected: T, message?: string): void {
  if (!(actual <= expected)) throw new AssertionError(message ?? `expected ${String(actual)} <= ${String(expected)}`);
}

/** `actual` within `tolerance` of `expected` (std's default: a ten-millionth of `expected`). */
export function assertAlmostEquals(actual: number, expected: number, tolerance?: number, message?: string): void {
  const allowed = tolerance ?? Math.abs(expected * 1e-7);
  if (Object.is(actual, expected) || Math.abs(actual - expected) <= allowed) return;
  throw new AssertionError(message ?? `expected ${actual} to be within ${allowed} of ${expected}`);
}

/** Deep equality as a boolean, as std's `equal`. */
export function equal(actual: unknown, expected: unknown): boolean {
  try {
    expect(actual).toEqual(expected);
    return true;
  } catch {
    return false;
  }
}

export function assertInstanceOf<T extends abstract new (...args: never[]) => unknown>(actual: unknown, expected: T, message?: string): asserts actual is InstanceType<T> {
  expect(actual, message).toBeInstanceOf(expected);
}

type ErrorClass<E extends Error = Error> = abstract new (...args: never[]) => E;

export function assertNotInstanceOf<A, T>(actual: A, unexpected: abstract new (...args: never[]) => T, message?: string): asserts actual is Exclude<A, T> {
  expect(actual, message).not.toBeInstanceOf(unexpected);
}

/** `error` is an Error (of `errorClass`, with a message containing or matching `matches`, when given). */
export function assertIsError<E extends Error = Error>(error: unknown, errorClass?: ErrorClass<E>, matches?: string | RegExp, message?: string): asserts error is E {
  if (!(error instanceof Error)) throw new AssertionError(message ?? `expected an Error, got ${String(error)}`);
  if (errorClass !== undefined) expect(error, message).toBeInstanceOf(errorClass);
  if (matches !== undefined) expect(error.message, message)[typeof matches === "string" ? "toContain" : "toMatch"](matches as string);
}

function checkError(error: unknown, errorClass: ErrorClass | undefined, includes: string | undefined, message: string | undefined): void {
  if (errorClass !== undefined) expect(error, message).toBeInstanceOf(errorClass);
  if (includes !== undefined) expect(error instanceof Error ? error.message : String(error), message).toContain(includes);
}

/** `fn` throws (of `errorClass`, with a message containing `includes`, when given); answers the error. */
export function assertThrows(fn: () => unknown, message?: string): unknown;
export function assertThrows<E extends Error = Error>(fn: () => unknown, errorClass: ErrorClass<E>, includes?: string, message?: string): E;
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
export async function assertRejects(fn: () => PromiseLike<unknown>, message?: string): Promise<unknown>;
export async function assertRejects<E extends Error = Error>(fn: () => PromiseLike<unknown>, errorClass: ErrorClass<E>, includes?: string, message?: string): Promise<E>;
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
