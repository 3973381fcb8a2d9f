/** The `Deno` global that tests ported from the template use; defined by setup.ts under `npm test`. */
import type { denoTest } from "./deno-test.ts";

declare global {
  var Deno: {
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
