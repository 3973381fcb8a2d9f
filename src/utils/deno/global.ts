/**
 * A global `Deno` for code written for the 6.1040 template: `Deno.env` over `process.env`
 * (concepts read their API keys that way), the file functions of fs.ts, and `Deno.test` when vitest provides it
 * (setup.ts); outside `npm test`, calling `Deno.test` says where tests run.
 */
import type { denoTest } from "./deno-test.ts";
import { denoFs } from "./fs.ts";

const env = {
  get: (name: string): string | undefined => process.env[name],
  set: (name: string, value: string): void => {
    process.env[name] = value;
  },
  has: (name: string): boolean => process.env[name] !== undefined,
  delete: (name: string): void => {
    delete process.env[name];
  },
  toObject: (): Record<string, string> => ({ ...process.env }) as Record<string, string>,
};

const testsRunUnderVitest: typeof denoTest = () => {
  throw new Error("Deno.test runs under `npm test` (vitest), not in the server");
};

export function installDenoGlobal(test: typeof denoTest = testsRunUnderVitest): void {
  globalThis.Deno ??= { test, env, ...denoFs };
}
