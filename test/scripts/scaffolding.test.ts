/**
 * `npm run new`: what it writes for a concept and for a sync passes typecheck, lint and its
 * own tests at once. It writes into a scratch project root (a folder beside src/ that links
 * to the engine, the helpers and the HTTP edge, so the real tree is never touched) and runs
 * tsc, eslint and vitest there as a student would.
 */
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const repo = resolve(".");
let root: string;

/** Runs a node script; answers its exit code and output instead of throwing. */
async function node(args: string[], cwd = repo): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, args, { cwd, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ""}${failed.stderr ?? ""}` };
  }
}

const scaffold = (...args: string[]) => node([join(repo, "node_modules/tsx/dist/cli.mjs"), join(repo, "scripts/new/cli.ts"), ...args, "--root", root]);

beforeAll(async () => {
  root = await mkdtemp(join(repo, ".tmp-scaffold-"));
  for (const dir of ["src/concepts", "src/syncs", "test/concepts", "test/http", "test/syncs"]) await mkdir(join(root, dir), { recursive: true });
  for (const link of ["src/engine", "src/utils", "src/edges", "test/support", "test/concepts/concept-database.ts", "test/concepts/fake-clock.ts", "test/http/harness.ts", "test/http/notebook.ts", "vitest.config.ts"]) {
    await symlink(join(repo, link), join(root, link));
  }
  // Copied, not linked: concept discovery takes folders, not links to them.
  await cp(join(repo, "src/concepts/Requesting"), join(root, "src/concepts/Requesting"), { recursive: true });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("npm run new", () => {
  it("writes a concept and a sync that pass typecheck, lint and their tests at once", { timeout: 240_000 }, async () => {
    const concept = await scaffold("concept", "Reading");
    expect(concept.code, concept.output).toBe(0);
    expect(concept.output).toContain("wrote src/concepts/Reading/ReadingConcept.ts");
    const sync = await scaffold("sync", "reading-goals", "GoalReached");
    expect(sync.code, sync.output).toBe(0);

    const spec = await readFile(join(root, "src/concepts/Reading/Reading.spec.md"), "utf8");
    expect(spec).toMatch(/^# concept: Reading \[User\]/);
    const source = await readFile(join(root, "src/concepts/Reading/ReadingConcept.ts"), "utf8");
    expect(source).toContain("protected async prepare()");
    expect(source).toContain("export const Reading = conceptRef(ReadingConcept)");
    // The @concepts barrel is written again with the new concept in it.
    const barrel = await readFile(join(root, "src/concepts/concepts.ts"), "utf8");
    expect(barrel).toContain(`export { Reading } from "./Reading/ReadingConcept.ts";`);
    expect(barrel).toContain(`export { Requesting } from "./Requesting/RequestingConcept.ts";`);

    const include = ["src/concepts/Reading", "src/syncs", "test/concepts/Reading.test.ts", "test/syncs", join(repo, "packages/embedded-mongo/test/support/global-setup.ts")];
    await writeFile(join(root, "tsconfig.json"), JSON.stringify({ extends: join(repo, "tsconfig.json"), include }));
    const tsc = await node([join(repo, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", root]);
    expect(tsc.output.split("\n").filter((line) => line.startsWith(root.slice(repo.length + 1))), tsc.output).toEqual([]);

    const lint = await node([join(repo, "node_modules/eslint/bin/eslint.js"), "--no-ignore", join(root, "src/concepts/Reading"), join(root, "src/syncs"), join(root, "test/concepts/Reading.test.ts"), join(root, "test/syncs")]);
    expect(lint, lint.output).toMatchObject({ code: 0 });

    const tests = await node([join(repo, "node_modules/vitest/vitest.mjs"), "run"], root);
    expect(tests.code, tests.output).toBe(0);
    // eslint-disable-next-line no-control-regex
    expect(tests.output.replace(/\x1b\[[0-9;]*m/g, "")).toMatch(/Tests\s+4 passed \(4\)/);
  });

  it("refuses to overwrite, and names that are not PascalCase", async () => {
    expect((await scaffold("concept", "Reading")).output).toContain("not overwriting");
    expect((await scaffold("concept", "reading")).code).toBe(2);
    expect((await scaffold("sync", "Bad Feature", "X")).code).toBe(2);
  });
});
