/**
 * `npm run new -- concept <Name>`, `npm run new -- concept --from <path/to/X.spec.md>` and
 * `npm run new -- sync <feature> <Name> (--when A.action --then B.action | --route)`: writes
 * the files (never over existing ones), lists a new concept's routes in passthrough.ts,
 * refreshes docs/api/ and client/, and says what to edit next. `--root <dir>` writes under
 * another project root (the scaffolding test uses a scratch copy).
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { discoverConcepts } from "../../src/engine/index.ts";
import { barrelSource } from "../../src/utils/generate-imports.ts";
import { writeClientFiles } from "../client/generate.ts";
import { SpecFormatError } from "../spec/format/errors.ts";
import { parseConceptSpec } from "../spec/format/parse.ts";
import { writeApiPages } from "../spec/pages.ts";
import { conceptSyncFiles, namedAction } from "./concept-sync-template.ts";
import { conceptFiles } from "./concept-template.ts";
import { conceptSourceFromSpec } from "./from-spec/concept-source.ts";
import { testSourceFromSpec } from "./from-spec/test-source.ts";
import { passthroughFile, withConceptRoutes, type NewRoute } from "./passthrough-routes.ts";
import { routeSyncFiles } from "./sync-template.ts";

const usage = [
  "usage: npm run new -- concept <Name>",
  "       npm run new -- concept --from <path/to/Name.spec.md>",
  "       npm run new -- sync <feature> <Name> --when <Concept.action> --then <Concept.action>",
  "       npm run new -- sync <feature> <Name> --route",
  "       [--root <dir>]",
].join("\n");

function fail(message: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

/** `--flag value` taken out of the arguments; `--flag` alone taken out as true. */
const args = process.argv.slice(2);
function take(flag: string, hasValue = true): string | undefined {
  const at = args.indexOf(flag);
  if (at === -1) return undefined;
  const value = hasValue ? (args[at + 1] ?? fail(`${flag} needs a value`)) : "true";
  args.splice(at, hasValue ? 2 : 1);
  return value;
}
const root = take("--root") ?? ".";
const from = take("--from");
const whenAction = take("--when");
const thenAction = take("--then");
const route = take("--route", false) !== undefined;
const [kind, ...rest] = args;
const pascal = /^[A-Z][A-Za-z0-9]*$/;

let files: Map<string, string>;
let next: string;
let routes: { concept: string; routes: NewRoute[] } | undefined;
if (kind === "concept" && from !== undefined) {
  const markdown = await readFile(from, "utf8").catch(() => fail(`cannot read ${from}`));
  let spec;
  try {
    spec = parseConceptSpec(markdown, from);
  } catch (error) {
    if (error instanceof SpecFormatError) fail(`${error.message}\nnothing written`);
    throw error;
  }
  const { name } = spec;
  files = new Map([
    [`src/concepts/${name}/${name}Concept.ts`, conceptSourceFromSpec(spec)],
    [`src/concepts/${name}/${name}.spec.md`, markdown],
    [`test/concepts/${name}.test.ts`, testSourceFromSpec(spec)],
  ]);
  routes = { concept: name, routes: spec.operations.map((operation) => ({ name: operation.name, syncOnly: operation.syncOnly })) };
  next = `next: write each method of src/concepts/${name}/${name}Concept.ts (each answers { error } until then) and fill in test/concepts/${name}.test.ts; npm test holds the spec and the schemas together (npm run spec -- --check)`;
} else if (kind === "concept") {
  const [name] = rest;
  if (name === undefined || !pascal.test(name)) fail("the concept's name is PascalCase, e.g. Reading");
  files = conceptFiles(name);
  routes = { concept: name, routes: ["create", "remove", "_get", "_list"].map((operation) => ({ name: operation, syncOnly: false })) };
  next = `next: edit the purpose, state and actions in src/concepts/${name}/ (schemas first), keep ${name}.spec.md in step (npm run spec -- --write-signatures ${name} writes its signatures); it is served at POST /api/${name}/... on restart`;
} else if (kind === "sync") {
  const [feature, name] = rest;
  if (feature === undefined || !/^[a-z][a-z0-9-]*$/.test(feature)) fail("the feature is a folder name in kebab-case, e.g. reading-goals");
  if (name === undefined || !pascal.test(name)) fail("the sync's name is PascalCase and says what it does, e.g. CompletedSessionAdvancesGoal");
  if (route) {
    files = routeSyncFiles(feature, name);
    next = `next: reshape the route and its answer in src/syncs/${feature}/ (a misspelt field or missing input will not compile)`;
  } else {
    const concepts = await discoverConcepts(join(root, "src/concepts"));
    const known = concepts.flatMap((concept) => Object.entries(concept.schemas).filter(([, schema]) => schema.kind === "action").map(([action]) => `${concept.conceptName}.${action}`));
    if (whenAction === undefined || thenAction === undefined) fail(`a sync between concepts names its actions: --when <Concept.action> --then <Concept.action> (or --route for an HTTP route); the actions: ${known.join(", ")}`);
    const when = namedAction(concepts, whenAction);
    const then = namedAction(concepts, thenAction);
    if (typeof when === "string") fail(`--when ${when}`);
    if (typeof then === "string") fail(`--then ${then}`);
    files = conceptSyncFiles(feature, name, when, then);
    next = `next: say why in the comment of src/syncs/${feature}/, match on the outputs that matter (a literal such as status: "completed" narrows it), and write its test`;
  }
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
if (routes !== undefined) {
  // The @concepts barrel names every concept: written again so that syncs can import the new one.
  await writeFile(join(root, "src/concepts/concepts.ts"), await barrelSource(join(root, "src/concepts")));
  process.stdout.write("wrote src/concepts/concepts.ts\n");
  const passthrough = await readFile(join(root, passthroughFile), "utf8").catch(() => undefined);
  const listed = passthrough === undefined ? undefined : withConceptRoutes(passthrough, routes.concept, routes.routes);
  if (listed === undefined) {
    process.stdout.write(`list ${routes.routes.map((found) => `/api/${routes.concept}/${found.name}`).join(", ")} in ${passthroughFile} (inclusions or exclusions) by hand\n`);
  } else {
    await writeFile(join(root, passthroughFile), listed);
    process.stdout.write(`wrote ${passthroughFile} (the new routes, as inclusions: read their reasons)\n`);
  }
}
// The API pages and the typed client follow the concepts and the syncs' routes: written afresh so that npm test passes as it is.
try {
  process.stdout.write(`wrote ${await writeApiPages(root)} pages to docs/api/\n`);
  await writeClientFiles(root);
  process.stdout.write("wrote client/openapi.json and client/schema.ts\n");
} catch (error) {
  process.stdout.write(`could not refresh docs/api/ and client/ (${(error as Error).message}): once it compiles, run npm run spec && npm run client\n`);
}
process.stdout.write(`${next}\n`);
