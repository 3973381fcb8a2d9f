/**
 * `npm run new -- concept <Name>` and `npm run new -- sync <feature> <Name>`: writes the
 * files (never over existing ones) and says what to edit next. `--root <dir>` writes under
 * another project root (the scaffolding test uses a scratch copy).
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { barrelSource } from "../../src/utils/generate-imports.ts";
import { conceptFiles } from "./concept-template.ts";
import { syncFiles } from "./sync-template.ts";

const usage = "usage: npm run new -- concept <Name>   |   npm run new -- sync <feature> <Name>   [--root <dir>]";

function fail(message: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const rootAt = args.indexOf("--root");
const root = rootAt === -1 ? "." : (args[rootAt + 1] ?? fail("--root needs a directory"));
const [kind, ...rest] = rootAt === -1 ? args : [...args.slice(0, rootAt), ...args.slice(rootAt + 2)];
const pascal = /^[A-Z][A-Za-z0-9]*$/;

let files: Map<string, string>;
let next: string;
if (kind === "concept") {
  const [name] = rest;
  if (name === undefined || !pascal.test(name)) fail("the concept's name is PascalCase, e.g. Reading");
  files = conceptFiles(name);
  next =
    `next: edit the purpose, state and actions in src/concepts/${name}/ (schemas first), keep ${name}.spec.md in step, run npm run spec; ` +
    `it is served at POST /api/${name}/... on restart (list its routes in src/concepts/Requesting/passthrough.ts, inclusions or exclusions, to silence the start-up warning)`;
} else if (kind === "sync") {
  const [feature, name] = rest;
  if (feature === undefined || !/^[a-z][a-z0-9-]*$/.test(feature)) fail("the feature is a folder name in kebab-case, e.g. reading-goals");
  if (name === undefined || !pascal.test(name)) fail("the sync's name is PascalCase and says what it does, e.g. CompletedSessionAdvancesGoal");
  files = syncFiles(feature, name);
  next = `next: reshape the when/then in src/syncs/${feature}/ (a misspelt field or missing input will not compile), then npm run spec and npm run client`;
} else {
  fail(usage);
}

const taken = [...files.keys()].filter((file) => existsSync(join(root, file)));
if (taken.length > 0) fail(`not overwriting: ${taken.join(", ")}`);
for (const [file, content] of files) {
  await mkdir(dirname(join(root, file)), { recursive: true });
  await writeFile(join(root, file), content);
  process.stdout.write(`wrote ${file}\n`);
}
if (kind === "concept") {
  // The @concepts barrel names every concept: written again so that syncs can import the new one.
  const barrel = join(root, "src/concepts/concepts.ts");
  await writeFile(barrel, await barrelSource(join(root, "src/concepts")));
  process.stdout.write(`wrote ${barrel}\n`);
}
process.stdout.write(`${next}\n`);
