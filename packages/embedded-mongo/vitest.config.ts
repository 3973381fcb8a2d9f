import { defineConfig } from "vitest/config";

// The package's suite on its own (`npm test` inside the package); the root's `npm test` runs it too.
export default defineConfig({
  test: {
    environment: "node",
    globalSetup: ["test/support/global-setup.ts"],
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "threads",
  },
});
