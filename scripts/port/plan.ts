/**
 * What `npm run port` takes from a template-based backend, and where it goes here (the same
 * paths): its concept folders (not Requesting, not the generated barrels), its sync files,
 * the helper files those import (not the template's own src/engine, src/utils/types.ts and
 * database.ts, which this project provides), each with its import specifiers rewritten.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import type { Attention } from "./attention.ts";
import { parseNpmSpecifier, rewriteImports } from "./rewrite.ts";

export interface PlannedFile {
  /** Relative path, the same in the course backend and here. */
  path: string;
  text: string;
  kind: "concept" | "test" | "sync" | "helper";
}

export interface Plan {
  concepts: string[];
  files: PlannedFile[];
  /** npm packages the files import that this project does not depend on: name -> version asked for. */
  packages: Map<string, string>;
  attention: Attention[];
  /** The course backend's passthrough.ts, when it has one. */
  passthroughFile: string | undefined;
  /** Settings the files read with `Deno.env.get`. */
  settings: Set<string>;
}

/** Files of the template itself: provided here under the same import paths, never copied. */
const templateOwn = new Set([
  "src/utils/types.ts",
  "src/utils/database.ts",
  "src/utils/generate_imports.ts",
  "src/utils/init.ts",
  "src/concepts/concepts.ts",
  "src/concepts/test_concepts.ts",
  "src/syncs/syncs.ts",
  "src/main.ts",
  "src/concept_server.ts",
]);
const isTemplateEngine = (path: string) => path === "src/engine" || path.startsWith("src/engine/");
const isRequesting = (path: string) => path.startsWith("src/concepts/Requesting/");

function filesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(path));
    else if (entry.isFile()) found.push(path);
  }
  return found;
}

/** The template's own aliases, which resolve here as there. */
const templateAliases = new Set(["@concepts/", "@concepts", "@test-concepts", "@utils/", "@engine", "@syncs"]);

/** The course backend's own deno.json "imports" (its aliases and packages), without the template's. */
export function readImportMap(root: string): Map<string, string> {
  const file = ["deno.json", "deno.jsonc"].map((name) => join(root, name)).find((path) => existsSync(path));
  if (file === undefined) return new Map();
  const { config } = ts.parseConfigFileTextToJson(file, readFileSync(file, "utf8")) as { config?: { imports?: Record<string, unknown> } };
  return new Map(Object.entries(config?.imports ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === "string" && !templateAliases.has(entry[0])));
}

/** `specifier` as the import map maps it (an exact entry, or the longest "prefix/" entry); a local target relative to `from`. */
function expandWith(imports: ReadonlyMap<string, string>, root: string, from: string, specifier: string): string {
  let mapped = imports.get(specifier);
  if (mapped === undefined) {
    const prefix = [...imports.keys()].filter((key) => key.endsWith("/") && specifier.startsWith(key)).sort((a, b) => b.length - a.length)[0];
    if (prefix !== undefined) mapped = `${imports.get(prefix)}${specifier.slice(prefix.length)}`;
  }
  if (mapped === undefined || !mapped.startsWith(".")) return mapped ?? specifier;
  const target = relative(dirname(join(root, from)), join(root, mapped)).replaceAll("\\", "/");
  return target.startsWith(".") ? target : `./${target}`;
}

/** Where a course file's import points in the course backend, relative to its root ("" when outside or a package). */
function resolveInCourse(root: string, from: string, specifier: string): string | undefined {
  let target: string;
  if (specifier.startsWith(".")) target = resolve(root, dirname(from), specifier);
  else if (specifier.startsWith("@utils/")) target = join(root, "src/utils", specifier.slice("@utils/".length));
  else if (specifier.startsWith("@concepts/")) target = join(root, "src/concepts", specifier.slice("@concepts/".length));
  else return undefined;
  const candidates = [target, `${target}.ts`, join(target, "mod.ts"), join(target, "index.ts")];
  const found = candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
  return relative(root, found ?? target).replaceAll("\\", "/");
}

function importsOf(path: string, text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((imported) => imported.fileName).filter(() => path.endsWith(".ts"));
}

export function planPort(root: string, ownDependencies: ReadonlySet<string>): Plan {
  const conceptsDir = join(root, "src/concepts");
  if (!existsSync(conceptsDir)) throw new Error(`${root} has no src/concepts: not a backend built on the 6.1040 template`);
  const plan: Plan = { concepts: [], files: [], packages: new Map(), attention: [], passthroughFile: undefined, settings: new Set() };
  const queue: { path: string; kind: PlannedFile["kind"] }[] = [];

  for (const entry of readdirSync(conceptsDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === "Requesting") continue;
    const folder = join(conceptsDir, entry.name);
    plan.concepts.push(entry.name);
    if (!existsSync(join(folder, `${entry.name}Concept.ts`))) {
      plan.attention.push({
        file: `src/concepts/${entry.name}`,
        problem: `no ${entry.name}Concept.ts in it: neither the template nor this project serves it as a concept`,
        fix: `name the concept's file ${entry.name}Concept.ts (a default export or ${entry.name}Concept class), or move the folder out of src/concepts`,
      });
    }
    for (const file of filesUnder(folder)) queue.push({ path: relative(root, file), kind: /\.test\.ts$/.test(file) ? "test" : "concept" });
  }
  const syncsDir = join(root, "src/syncs");
  if (existsSync(syncsDir)) {
    for (const file of filesUnder(syncsDir)) {
      const path = relative(root, file);
      if (path.endsWith(".sync.ts") && !templateOwn.has(path)) queue.push({ path, kind: "sync" });
    }
  }
  const passthrough = join(conceptsDir, "Requesting/passthrough.ts");
  if (existsSync(passthrough)) plan.passthroughFile = passthrough;

  const planned = new Set(queue.map((item) => item.path));
  const imports = readImportMap(root);
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
    const original = readFileSync(join(root, item.path), "utf8");
    if (!item.path.endsWith(".ts")) {
      plan.files.push({ path: item.path, text: original, kind: item.kind });
      continue;
    }
    const from = item.path;
    const expand = (specifier: string) => expandWith(imports, root, from, specifier);
    const rewritten = rewriteImports(from, original, {
      locate: (specifier) => (isTemplateEngine(resolveInCourse(root, from, specifier) ?? "") ? "engine" : "other"),
      expand,
    });
    plan.files.push({ path: from, text: rewritten.text, kind: item.kind });
    plan.attention.push(...rewritten.attention);
    // The version one import (or deno.json) asks for wins over another's bare name.
    for (const [name, version] of rewritten.packages) if (!ownDependencies.has(name) && !plan.packages.get(name)) plan.packages.set(name, version);
    for (const match of original.matchAll(/Deno\.env\.get\(\s*["'`]([A-Za-z_][A-Za-z0-9_]*)["'`]\s*\)/g)) plan.settings.add(match[1]!);

    for (const specifier of importsOf(from, original).map(expand)) {
      const target = resolveInCourse(root, from, specifier);
      if (target === undefined || planned.has(target) || templateOwn.has(target) || isTemplateEngine(target)) continue;
      if (isRequesting(target)) {
        if (!target.endsWith("RequestingConcept.ts")) plan.attention.push({ file: from, problem: `imports ${specifier}: the template's Requesting files are not copied`, fix: "use this project's Requesting concept (src/concepts/Requesting), or move the helper into your own folder" });
        continue;
      }
      if (!existsSync(join(root, target))) {
        plan.attention.push({ file: from, problem: `imports ${specifier}, which the course backend does not have`, fix: "add the missing file, or drop the import" });
        continue;
      }
      planned.add(target);
      queue.push({ path: target, kind: "helper" });
    }
  }
  // An `npm:pkg` import without a version takes the one deno.json pins, if any.
  for (const [name, version] of plan.packages) {
    const pinned = [...imports.values()].map(parseNpmSpecifier).find((parsed) => parsed?.name === name && parsed.version !== "");
    if (version === "" && pinned !== undefined) plan.packages.set(name, pinned.version);
  }
  plan.concepts.sort();
  return plan;
}
