/** The `Deno` global that code ported from the template uses; installed by global.ts (setup.ts under `npm test`, main.ts in the server). */
import type { denoTest } from "./deno-test.ts";
import type { denoFs } from "./fs.ts";

declare global {
  var Deno: typeof denoFs & {
    test: typeof denoTest;
    env: {
      get(name: string): string | undefined;
      set(name: string, value: string): void;
      has(name: string): boolean;
      delete(name: string): void;
      toObject(): Record<string, string>;
    };
  };
}
