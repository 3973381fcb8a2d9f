/**
 * Vitest setup for tests written for Deno (vitest.config.ts `setupFiles`): a global `Deno` with
 * `test` and `env`, and `testDb()` pointed at the suite's database server.
 */
import { inject } from "vitest";
import { denoTest } from "./deno-test.ts";
import { installDenoGlobal } from "./global.ts";

process.env.TEST_MONGODB_URL ??= inject("mongoUri");
installDenoGlobal(denoTest);
