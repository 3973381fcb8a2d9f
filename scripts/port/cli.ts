/**
 * `npm run port -- <path to a 6.1040 template-based backend> [--dry-run] [--no-checks]`
 *
 * Brings a course backend here (PORTING.md, first section): its concepts with their tests, its
 * syncs, the helper files they import and its passthrough entries, at the template's paths, with
 * import specifiers rewritten; then the `@concepts` barrel, `npm run typecheck`, the ported tests
 * and a start of the server; and prints what needs attention, file by file, with the fix.
 * Refuses, writing nothing, when a concept or file would replace one of this project's own.
 * Exit status: 0 when nothing needs attention, 2 when something does, 1 when refused.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { type Attention, formatAttention } from "./attention.ts";
import { checkBarrel, checkStart, checkTests, checkTypes } from "./checks.ts";
import { loadPassthrough, mergePassthrough, type Merged } from "./passthrough.ts";
import { planPort, type Plan } from "./plan.ts";

const args = process.argv.slice(2);
const dryRun = args.includes("--dry-run");
const noChecks = args.includes("--no-checks");
const [source, ...extra] = args.filter((arg) => !arg.startsWith("--"));
const unknown = args.filter((arg) => arg.startsWith("--") && arg !== "--dry-run" && arg !== "--no-checks");
const project = process.cwd();

function say(line: string): void {
  process.stderr.write(`port: ${line}\n`);
}

function refuse(message: string): never {
  process.stderr.write(`port: refused, nothing written: ${message}\n`);
  process.exit(1);
}

if (source === undefined || extra.length > 0 || unknown.length > 0) {
  refuse("usage: npm run port -- <path to a template-based backend> [--dry-run] [--no-checks]");
}
const courseRoot = resolve(source);
if (courseRoot === project || !relative(project, courseRoot).startsWith("..")) refuse(`${source} is this project (or inside it): give the course backend's own folder`);

/** The files an earlier `npm run port` wrote here: porting again may replace them, never anything else. */
const manifestFile = join(project, ".port-manifest.json");
const portedBefore = new Set<string>(existsSync(manifestFile) ? (JSON.parse(readFileSync(manifestFile, "utf8")) as { files: string[] }).files : []);

/** A concept or file of this project's own that the port would replace. */
function collisions(plan: Plan): string[] {
  const found: string[] = [];
  const ours = readdirSync(join(project, "src/concepts"), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  for (const name of plan.concepts) {
    const same = ours.find((own) => own.toLowerCase() === name.toLowerCase());
    if (same === undefined) continue;
    const portedHere = same === name && readdirSync(join(project, "src/concepts", same), { recursive: true, withFileTypes: true }).every((entry) => !entry.isFile() || portedBefore.has(relative(project, join(entry.parentPath, entry.name))));
    if (!portedHere) found.push(`concept ${name} collides with this project's concept ${same} (src/concepts/${same}): rename your concept (its folder, ${name}Concept.ts and its class) and the syncs and passthrough routes that name it, then port again`);
  }
  for (const file of plan.files.filter((planned) => planned.kind !== "concept" && planned.kind !== "test")) {
    const here = join(project, file.path);
    if (existsSync(here) && !portedBefore.has(file.path) && readFileSync(here, "utf8") !== file.text) found.push(`${file.path} already exists here with other content: rename yours (and the imports of it)`);
  }
  return found;
}

function ownDependencies(): Set<string> {
  const manifest = JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as { dependencies?: object; devDependencies?: object };
  return new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})]);
}

say(`reading ${courseRoot}`);
let plan: Plan;
try {
  plan = planPort(courseRoot, ownDependencies());
} catch (error) {
  refuse((error as Error).message);
}
const count = (kind: string) => plan.files.filter((file) => file.kind === kind).length;
say(`found ${plan.concepts.length} concept(s) (${plan.concepts.join(", ")}), ${count("sync")} sync file(s), ${count("test")} test file(s), ${count("helper")} helper file(s)`);
const refused = collisions(plan);
if (refused.length > 0) refuse(`\n  - ${refused.join("\n  - ")}`);

const attention: Attention[] = [...plan.attention];
let merged: Merged | undefined;
if (plan.passthroughFile !== undefined) {
  say("merging passthrough.ts entries");
  try {
    const ourFile = join(project, "src/concepts/Requesting/passthrough.ts");
    const theirs = await loadPassthrough(plan.passthroughFile);
    merged = mergePassthrough(readFileSync(ourFile, "utf8"), await loadPassthrough(ourFile), theirs, basename(courseRoot));
    attention.push(...merged.attention);
  } catch (error) {
    attention.push({ file: "src/concepts/Requesting/passthrough.ts", problem: `the course backend's passthrough.ts could not be read: ${(error as Error).message}`, fix: "add its inclusions and exclusions to src/concepts/Requesting/passthrough.ts by hand" });
  }
}
if (plan.packages.size > 0) {
  const install = [...plan.packages].map(([name, version]) => (version === "" ? name : `${name}@${version}`)).join(" ");
  attention.push({ file: "", problem: `imports npm packages this project does not have: ${[...plan.packages.keys()].join(", ")}`, fix: `npm install ${install}` });
}
if (plan.settings.size > 0) {
  attention.push({ file: "", problem: `reads settings with Deno.env.get: ${[...plan.settings].sort().join(", ")}`, fix: "export them in the shell before npm start and npm test (set -a; . ./.env; set +a); Deno.env.get reads process.env here" });
}

if (dryRun) {
  process.stdout.write("Dry run: nothing written. Would copy:\n");
  for (const file of plan.files) process.stdout.write(`  ${file.kind.padEnd(7)} ${file.path}\n`);
  if (merged !== undefined) process.stdout.write(`Would add to src/concepts/Requesting/passthrough.ts: ${merged.added.inclusions} inclusion(s), ${merged.added.exclusions} exclusion(s)\n`);
  process.stdout.write(formatAttention(attention));
  process.exit(attention.length > 0 ? 2 : 0);
}

const again = plan.files.filter((file) => portedBefore.has(file.path) && existsSync(join(project, file.path)) && readFileSync(join(project, file.path), "utf8") !== file.text);
say(`copying ${plan.files.length} file(s)${again.length > 0 ? `, replacing ${again.length} ported before and changed since: ${again.map((file) => file.path).join(", ")}` : ""}`);
for (const file of plan.files) {
  await mkdir(dirname(join(project, file.path)), { recursive: true });
  await writeFile(join(project, file.path), file.text);
}
await writeFile(manifestFile, `${JSON.stringify({ from: courseRoot, files: [...new Set([...portedBefore, ...plan.files.map((file) => file.path)])].sort() }, null, 2)}\n`);
if (merged !== undefined) {
  await writeFile(join(project, "src/concepts/Requesting/passthrough.ts"), merged.text);
  say(`passthrough.ts: added ${merged.added.inclusions} inclusion(s) and ${merged.added.exclusions} exclusion(s)`);
}

const summaries = [`copied: ${plan.concepts.length} concept(s), ${count("sync")} sync file(s), ${count("test")} test file(s), ${count("helper")} helper file(s)`];
const portedFiles = plan.files.map((file) => file.path);
const steps: [string, () => Promise<{ summary: string; attention: Attention[] }>][] = [["bringing the @concepts barrel up to date (npm run import)", () => checkBarrel(project)]];
if (!noChecks) {
  steps.push(
    ["type-checking (npm run typecheck)", () => checkTypes(project)],
    [`running the ported tests (${count("test")} file(s))`, () => checkTests(project, plan.files.filter((file) => file.kind === "test").map((file) => file.path))],
    ["starting the server (npm start, on a free port) and stopping it", () => checkStart(project, portedFiles)],
  );
}
for (const [index, [label, step]] of steps.entries()) {
  const started = Date.now();
  say(`[${index + 1}/${steps.length}] ${label}`);
  const result = await step();
  say(`      ${result.summary} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  summaries.push(result.summary);
  attention.push(...result.attention);
}

// A module the port already said how to replace needs no second, generic "npm install" fix.
const explained = (item: Attention) => {
  const missing = /TS2307 Cannot find module '([^']+)'/.exec(item.problem)?.[1];
  return missing !== undefined && attention.some((other) => other !== item && other.file === item.file && other.problem.includes(`"${missing}"`));
};
// And a package the course pins is installed at its version.
const pinned = (item: Attention): Attention => {
  const name = /^npm install (\S+)$/.exec(item.fix)?.[1];
  const version = name === undefined ? undefined : plan.packages.get(name);
  return version ? { ...item, fix: `npm install ${name}@${version}` } : item;
};
const report = attention.filter((item) => !explained(item)).map(pinned);
process.stdout.write(`\nPorted ${courseRoot}\n${summaries.map((line) => `  ${line}`).join("\n")}\n\n${formatAttention(report)}`);
process.exitCode = report.length > 0 ? 2 : 0;
