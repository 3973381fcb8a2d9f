/**
 * `npm run typecheck` holds a course backend's files to the 6.1040 template's options and the
 * project's own code to tsconfig.json's (plus verbatimModuleSyntax), and brings the `@concepts`
 * barrel up to date first, as `npm start` does. Run as a user runs them, in a scratch copy of this project.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkStart } from "../../scripts/port/checks.ts";
import { copyProject, repo, runTsx } from "../support/project-copy.ts";

let project: Awaited<ReturnType<typeof copyProject>>;

async function write(path: string, text: string): Promise<void> {
  await mkdir(join(project.root, path, ".."), { recursive: true });
  await writeFile(join(project.root, path), text);
}

beforeAll(async () => {
  project = await copyProject("typecheck");
  // A course concept (no `static schemas`): unchecked indexing, `catch (e)` and a type imported
  // without `type`, all of which `deno check` accepts.
  await write("src/concepts/Plain/shape.ts", "export interface Shape {\n  sides: number;\n}\n");
  await write(
    "src/concepts/Plain/PlainConcept.ts",
    `import { Db } from "npm:mongodb";
import { Shape } from "./shape.ts";

export default class PlainConcept {
  constructor(private readonly db: Db) {}

  async first({ names }: { names: string[] }): Promise<{ first: string } | { error: string }> {
    try {
      return { first: names[0].toUpperCase() };
    } catch (e) {
      return { error: e.message };
    }
  }

  async _shape({ sides }: Shape): Promise<Shape[]> {
    return [{ sides }];
  }

  async count({ url }: { url: string }): Promise<{ count: number }> {
    const data: { items: unknown[] } = await (await fetch(url)).json();
    return { count: data.items.length };
  }
}
`,
  );
  // A course's stray copy in a concept folder without a concept file: deno check never reached it.
  await write("src/concepts/Leftovers/old-copy.ts", "const limits: Record<string, number> = { day: 1 };\nexport const day = limits[\"day\"].toFixed();\n");
  // A course sync naming the new concept through @concepts: it compiles only once the barrel has it.
  await write(
    "src/syncs/plain.sync.ts",
    `import { actions, Sync } from "@engine";
import { Plain, Requesting } from "@concepts";

export const First: Sync = ({ request, names }) => ({
  when: actions([Requesting.request, { path: "/plain/first", names }, { request }]),
  then: actions([Plain.first, { names }]),
});

// Frame values read as course code reads them: a bound value passes where a typed one is wanted.
export const Sides: Sync = ({ request, sides, shape }) => ({
  when: actions([Requesting.request, { path: "/plain/sides", sides }, { request }]),
  where: async (frames) => {
    const found = await frames.query(Plain._shape, { sides }, { sides: shape });
    const first: number = found[0][shape];
    for (const frame of found) console.log((frame[shape] as number) + first);
    return found.map(($) => ({ ...$, [shape]: $[shape] + 1 })).filter(($) => $[shape] > first);
  },
  then: actions([Requesting.respond, { request, shape }]),
});
`,
  );
  // The project's own code doing the same: reported.
  await write(
    "src/utils/own-helper.ts",
    `import { Shape } from "../concepts/Plain/shape.ts";

export function firstOf(names: string[]): string {
  return names[0].toUpperCase();
}

export const triangle: Shape = { sides: 3 };

export async function count(url: string): Promise<number> {
  const data: { items: unknown[] } = await (await fetch(url)).json();
  return data.items.length;
}
`,
  );
});
afterAll(async () => {
  await project.remove();
});

describe("npm run typecheck", () => {
  it("reports the project's own strict errors, and none that the template's options would not report", { timeout: 600_000 }, async () => {
    const run = await runTsx("scripts/typecheck/cli.ts", [], project.root);
    const errors = run.stdout.split("\n").filter((line) => / error TS\d+:/.test(line));
    expect(run.code, run.stdout + run.stderr).toBe(1);
    // Course files: no error (Deno's `response.json()` is `any`, unchecked indexing, stray copies).
    // The project's own helper: its type import, its unchecked index, and Node's `unknown` JSON.
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/^src\/utils\/own-helper\.ts\(1,10\): error TS1484: 'Shape' is a type/);
    expect(errors[1]).toMatch(/^src\/utils\/own-helper\.ts\(4,10\): error TS2532: Object is possibly 'undefined'/);
    expect(errors[2]).toMatch(/^src\/utils\/own-helper\.ts\(10,9\): error TS2322: Type 'unknown' is not assignable/);
    expect(run.stdout).toMatch(/course file\(s\) checked with the 6\.1040 template's options: .*src\/concepts\/Plain\/PlainConcept\.ts.*src\/syncs\/plain\.sync\.ts/);
    // The barrel was brought up to date on the way.
    expect(await readFile(join(project.root, "src/concepts/concepts.ts"), "utf8")).toContain(`export const Plain = conceptRef(PlainConcept, "Plain");`);
    expect(run.stderr).toContain("concepts.ts: the concept folders changed");
  });
});

describe("npm start", () => {
  it("brings the @concepts barrel up to date before it loads the syncs that import it", { timeout: 300_000 }, async () => {
    const barrel = join(project.root, "src/concepts/concepts.ts");
    await writeFile(barrel, await readFile(join(repo, "src/concepts/concepts.ts"), "utf8"));
    const started = await checkStart(project.root, []);
    expect(started.summary, JSON.stringify(started.attention)).toMatch(/^start: listened on http:\/\/127\.0\.0\.1:\d+, stopped$/);
    expect(await readFile(barrel, "utf8")).toContain(`export const Plain = conceptRef(PlainConcept, "Plain");`);
  });
});
