/** Vitest globalSetup: the `@concepts` barrel up to date before any test file imports it (`npm test` needs no `npm run import`). */
import { refreshBarrelOrWarn } from "../../src/utils/refresh-barrel.ts";

export default async function setup(): Promise<void> {
  await refreshBarrelOrWarn("src/concepts", (line) => process.stderr.write(`${line}\n`));
}
