import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig } from "vitest/config";

const source = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  // The 6.1040 template's import aliases, as tsconfig.json "paths" declares them for tsc and tsx.
  resolve: {
    alias: [
      { find: /^@utils\/(.*)$/, replacement: source("utils/$1") },
      { find: /^@concepts$/, replacement: source("concepts/concepts.ts") },
      { find: /^@concepts\/(.*)$/, replacement: source("concepts/$1") },
      { find: /^@engine$/, replacement: source("engine/mod.ts") },
      { find: /^jsr:@std\/assert$/, replacement: source("utils/deno/assert.ts") },
      { find: /^npm:mongodb$/, replacement: "mongodb" },
    ],
  },
  test: {
    environment: "node",
    // The @concepts barrel first (test files import it), then the database server.
    globalSetup: ["test/support/refresh-barrel.ts", "test/support/global-setup.ts"],
    // The workspace packages' suites run here too, on the same server.
    include: ["test/**/*.test.ts", "packages/*/test/**/*.test.ts", "src/**/*.test.ts"],
    // A course backend written for Deno, input to `npm run port` (test/port): its test runs once ported.
    exclude: [...configDefaults.exclude, "test/port/fixtures/**"],
    // `Deno.test` and `testDb()` for tests ported from the 6.1040 template (beside their concept under src/).
    setupFiles: ["src/utils/deno/setup.ts"],
    // The CI machine has two cores shared by the API server and the database: be patient.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Measured on the embedded-mongo suite: threads run it 20-25% faster than forks (8.4 s vs 10.6 s).
    pool: "threads",
  },
});
