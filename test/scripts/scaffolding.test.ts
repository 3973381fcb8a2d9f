/**
 * `npm run new`: what it writes for a concept (from the template, or from a spec) and for a
 * sync (between concepts, or a route) passes typecheck, lint and its own tests at once, and
 * leaves nothing to do by hand: the routes are listed in passthrough.ts, docs/api/ and
 * client/ are fresh, and the spec agrees with the schemas written from it. It writes into a
 * scratch project root (a folder beside src/ that links to the engine, the helpers and the
 * HTTP edge, so the real tree is never touched) and runs tsc, eslint and vitest there as a
 * student would. The concept from a spec is the worked example's (docs/worked-example.md).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
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

const tsx = join(repo, "node_modules/tsx/dist/cli.mjs");
const scaffold = (...args: string[]) => node([tsx, join(repo, "scripts/new/cli.ts"), ...args, "--root", root]);
const example = join(repo, "docs/examples/ReadingGoal.spec.md");

beforeAll(async () => {
  root = await mkdtemp(join(repo, ".tmp-scaffold-"));
  for (const dir of ["src/concepts", "src/syncs", "test/concepts", "test/http", "test/syncs"]) await mkdir(join(root, dir), { recursive: true });
  for (const link of ["src/engine", "src/utils", "src/edges", "test/support", "test/concepts/concept-database.ts", "test/concepts/fake-clock.ts", "test/http/harness.ts", "test/http/notebook.ts", "vitest.config.ts"]) {
    await symlink(join(repo, link), join(root, link));
  }
  // Copied, not linked: concept discovery takes folders, not links to them. FocusSession is the worked example's.
  for (const concept of ["Requesting", "FocusSession"]) await cp(join(repo, "src/concepts", concept), join(root, "src/concepts", concept), { recursive: true });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("npm run new", () => {
  it("writes concepts (from the template and from a spec) and syncs (between concepts and a route) that pass typecheck, lint and their tests at once, with nothing to run by hand", { timeout: 480_000 }, async () => {
    const concept = await scaffold("concept", "Reading");
    expect(concept.code, concept.output).toBe(0);
    expect(concept.output).toContain("wrote src/concepts/Reading/ReadingConcept.ts");
    const fromSpec = await scaffold("concept", "--from", example);
    expect(fromSpec.code, fromSpec.output).toBe(0);
    const between = await scaffold("sync", "reading-goals", "CompletedSessionAdvancesGoal", "--when", "FocusSession.end", "--then", "ReadingGoal.advance");
    expect(between.code, between.output).toBe(0);
    const route = await scaffold("sync", "reading-goals", "GoalReached", "--route");
    expect(route.code, route.output).toBe(0);

    const spec = await readFile(join(root, "src/concepts/Reading/Reading.spec.md"), "utf8");
    expect(spec).toMatch(/^# concept: Reading \[User\]/);
    const source = await readFile(join(root, "src/concepts/Reading/ReadingConcept.ts"), "utf8");
    expect(source).toContain("protected async prepare()");
    expect(source).not.toContain("ensureIndexes()");
    expect(source).toContain("export const Reading = conceptRef(ReadingConcept)");
    // The @concepts barrel is written again with the new concepts in it.
    const barrel = await readFile(join(root, "src/concepts/concepts.ts"), "utf8");
    expect(barrel).toContain(`export { Reading } from "./Reading/ReadingConcept.ts";`);
    expect(barrel).toContain(`export { ReadingGoal } from "./ReadingGoal/ReadingGoalConcept.ts";`);
    expect(barrel).toContain(`export { Requesting } from "./Requesting/RequestingConcept.ts";`);

    // From the spec: the spec copied beside, schemas from its signatures, typed documents, the implied index, methods that answer { error }.
    expect(await readFile(join(root, "src/concepts/ReadingGoal/ReadingGoal.spec.md"), "utf8")).toBe(await readFile(example, "utf8"));
    const goal = await readFile(join(root, "src/concepts/ReadingGoal/ReadingGoalConcept.ts"), "utf8");
    expect(goal).toContain("input: z.object({ user: id, session: id, elapsedMs: z.number() }),\n    output: z.object({ minutesRead: z.number(), reached: z.boolean() }),");
    expect(goal).toContain("syncOnly: true");
    expect(goal).toContain("interface GoalDoc {\n  /** The Goal's id. */\n  _id: string;\n  user: string;\n  targetMinutes: number;\n  minutesRead: number;\n  sessions: string[];\n}");
    expect(goal).toContain(`this.collection<GoalDoc>("goals")`);
    expect(goal).toContain(`await this.goals.createIndexes([{ key: { user: 1 }, name: "by_user" }]);`);
    expect(goal).toContain("  /** setGoal (user: User, targetMinutes: Number): (goal: Goal)\n   *  requires targetMinutes > 0\n   *  effects  sets the user's target, keeping the minutes read so far */");
    expect(goal).toContain(`return { error: "ReadingGoal.setGoal is not written yet (see ReadingGoal.spec.md)" };`);
    const goalTest = await readFile(join(root, "test/concepts/ReadingGoal.test.ts"), "utf8");
    expect(goalTest).toContain(`it.todo("requires targetMinutes > 0");`);
    expect(goalTest).toContain(`it.todo("a user sets a goal of 300 minutes;`);

    // The sync between concepts binds ReadingGoal.advance's inputs to FocusSession.end's outputs of the same names.
    const sync = await readFile(join(root, "src/syncs/reading-goals/completed-session-advances-goal.sync.ts"), "utf8");
    expect(sync).toContain("when: actions([FocusSession.end, {}, { user, session, elapsedMs }]),\n  then: actions([ReadingGoal.advance, { user, session, elapsedMs }]),");

    // Nothing by hand: the routes listed in passthrough.ts, the API pages and the client fresh, the specs and the schemas in agreement.
    const passthrough = await readFile(join(root, "src/concepts/Requesting/passthrough.ts"), "utf8");
    expect(passthrough).toContain(`"/api/ReadingGoal/advance": "sync-only: a user token gets 403",`);
    for (const path of ["/api/Reading/create", "/api/Reading/_list", "/api/ReadingGoal/setGoal", "/api/ReadingGoal/_getGoal"]) expect(passthrough).toContain(`"${path}": "new (npm run new)`);
    expect(await readdir(join(root, "docs/api"))).toEqual(expect.arrayContaining(["Reading.md", "ReadingGoal.md", "reading-goals.md", "README.md"]));
    expect(await readFile(join(root, "docs/api/ReadingGoal.md"), "utf8")).toContain("POST /api/ReadingGoal/setGoal");
    const client = await node([tsx, join(repo, "scripts/client/cli.ts"), "--check"], root);
    expect(client, client.output).toMatchObject({ code: 0, output: "client/ is up to date\n" });
    expect(await readFile(join(root, "client/openapi.json"), "utf8")).toContain("/api/ReadingGoal/setGoal");
    const check = await node([tsx, join(repo, "scripts/spec/cli.ts"), "--check", "--concepts", join(root, "src/concepts")]);
    expect(check, check.output).toMatchObject({ code: 0 });
    expect(check.output).toContain("3 concept specs checked against their schemas: they agree");

    const include = ["src/concepts/Reading", "src/concepts/ReadingGoal", "src/syncs", "test/concepts/Reading.test.ts", "test/concepts/ReadingGoal.test.ts", "test/syncs", join(repo, "packages/embedded-mongo/test/support/global-setup.ts")];
    await writeFile(join(root, "tsconfig.json"), JSON.stringify({ extends: join(repo, "tsconfig.json"), include }));
    const tsc = await node([join(repo, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", root]);
    expect(tsc.output.split("\n").filter((line) => line.startsWith(root.slice(repo.length + 1))), tsc.output).toEqual([]);

    const lint = await node([join(repo, "node_modules/eslint/bin/eslint.js"), "--no-ignore", ...["src/concepts/Reading", "src/concepts/ReadingGoal", "src/syncs", "test/concepts/Reading.test.ts", "test/concepts/ReadingGoal.test.ts", "test/syncs"].map((path) => join(root, path))]);
    expect(lint, lint.output).toMatchObject({ code: 0 });

    const tests = await node([join(repo, "node_modules/vitest/vitest.mjs"), "run"], root);
    expect(tests.code, tests.output).toBe(0);
    // eslint-disable-next-line no-control-regex
    expect(tests.output.replace(/\x1b\[[0-9;]*m/g, "")).toMatch(/Tests\s+8 passed \| 8 todo \(16\)/);
  });

  it("refuses to overwrite, names that are not PascalCase, a sync naming no actions, and a malformed spec (line, column, nothing written)", { timeout: 120_000 }, async () => {
    expect((await scaffold("concept", "Reading")).output).toContain("not overwriting");
    expect((await scaffold("concept", "reading")).code).toBe(2);
    expect((await scaffold("sync", "Bad Feature", "X")).code).toBe(2);
    const unnamed = await scaffold("sync", "reading-goals", "Unnamed");
    expect(unnamed.code).toBe(2);
    expect(unnamed.output).toContain("--when <Concept.action> --then <Concept.action>");
    expect(unnamed.output).toContain("ReadingGoal.advance");
    expect((await scaffold("sync", "reading-goals", "Misspelt", "--when", "FocusSession.stop", "--then", "ReadingGoal.advance")).output).toContain("--when FocusSession.stop is not an action of a concept here");

    const malformed = join(root, "Shelf.spec.md");
    await writeFile(malformed, "# concept: Shelf [User]\n\n**purpose** keep books\n\n**actions**\n\n    add (user: User, title String): ()\n");
    const refused = await scaffold("concept", "--from", malformed);
    expect(refused.code).toBe(2);
    expect(refused.output).toContain(`${malformed}:7:28: expected ":" and the type of title, as in title: String`);
    expect(refused.output).toContain("nothing written");
    expect(existsSync(join(root, "src/concepts/Shelf"))).toBe(false);
    expect(existsSync(join(root, "test/concepts/Shelf.test.ts"))).toBe(false);
  });
});
