/** Vitest globalSetup: the `@concepts` barrel up to date before any test file imports it (`npm test` needs no `npm run import`). */
import { refreshBarrel } from "../../src/utils/refresh-barrel.ts";

export default async function setup(): Promise<void> {
  await refreshBarrel("src/concepts", { log: (line) => process.stderr.write(`${line}\n`) });
}
