/**
 * Vitest setup for tests written for Deno (vitest.config.ts `setupFiles`): a global `Deno` with
 * `test` and `env`, and `testDb()` pointed at the suite's database server.
 */
import { inject } from "vitest";
import { denoTest } from "./deno-test.ts";

process.env.TEST_MONGODB_URL ??= inject("mongoUri");

globalThis.Deno ??= {
  test: denoTest,
  env: {
    get: (name: string) => process.env[name],
    set: (name: string, value: string) => {
      process.env[name] = value;
    },
    has: (name: string) => process.env[name] !== undefined,
    delete: (name: string) => {
      delete process.env[name];
    },
    toObject: () => ({ ...process.env }) as Record<string, string>,
  },
};
