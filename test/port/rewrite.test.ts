import { describe, expect, it } from "vitest";
import { rewriteImports, type CourseImports } from "../../scripts/port/rewrite.ts";

/** A course whose deno.json maps `bcrypt` to deno.land/x, as course password concepts often do. */
const course: CourseImports = {
  locate: () => "other",
  expand: (specifier) => (specifier === "bcrypt" ? "https://deno.land/x/bcrypt@v0.4.1/mod.ts" : specifier),
};

describe("npm run port's import rewriting", () => {
  it("points deno.land/x/bcrypt, by its deno.json alias or its URL, at this project's bcrypt functions", () => {
    const source = 'import * as bcrypt from "bcrypt";\nimport { hash } from "https://deno.land/x/bcrypt@v0.4.0/mod.ts";\n';
    const { text, attention } = rewriteImports("src/concepts/User/UserConcept.ts", source, course);
    expect(text).toBe('import * as bcrypt from "@utils/deno/x-bcrypt.ts";\nimport { hash } from "@utils/deno/x-bcrypt.ts";\n');
    expect(attention).toEqual([]);
  });

  it("still flags any other URL import, with what to do", () => {
    const { attention } = rewriteImports("src/x.ts", 'import { b } from "https://esm.sh/hono/cors";\n', course);
    expect(attention).toEqual([expect.objectContaining({ problem: expect.stringMatching(/URL imports do not resolve/) })]);
  });
});
