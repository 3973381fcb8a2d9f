/**
 * Finds concepts and syncs by convention, so no list is kept by hand:
 * `<dir>/<Name>/<Name>Concept.ts` exporting a concept class, and `*.sync.ts` files anywhere
 * below the syncs folder exporting syncs.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ConceptClass } from "./concept.ts";
import { isTemplateDeclaration, recordLocation, type Sync, type SyncDeclaration } from "./sync.ts";
import { templateSyncName } from "./template/sync.ts";
import { asConceptClass } from "./unchecked.ts";
import { variablesProxy } from "./vars.ts";

export async function discoverConcepts(dir = "src/concepts"): Promise<ConceptClass[]> {
  const root = resolve(dir);
  const found: ConceptClass[] = [];
  for (const entry of (await readdir(root, { withFileTypes: true })).sort(byName)) {
    if (!entry.isDirectory()) continue;
    const file = join(root, entry.name, `${entry.name}Concept.ts`);
    if (!(await isFile(file))) continue;
    const module = await importNamingFile(file);
    const exported = Object.values(module).filter(isConceptClass);
    // A class without static schemas (the 6.1040 template's style) runs unchecked, named after its folder.
    const plain = module.default ?? module[`${entry.name}Concept`];
    if (exported.length === 0 && isClass(plain)) exported.push(asConceptClass(plain, entry.name));
    if (exported.length === 0) throw new Error(`${relative(process.cwd(), file)} exports no concept class (a default export, ${entry.name}Concept, or a class with static conceptName and schemas)`);
    for (const conceptClass of exported) if (!found.includes(conceptClass)) found.push(conceptClass);
  }
  return found;
}

/**
 * Every exported sync of every `*.sync.ts` below `dir`, by name: a sync written against
 * `@engine` (the template's surface) is named by file and export, as the template names it
 * (`auth.Login`); one written against the project's engine by its export name, unique.
 */
export async function discoverSyncs(dir = "src/syncs"): Promise<Record<string, Sync>> {
  return Object.fromEntries((await discoverSyncSources(dir)).map(({ name, sync }) => [name, sync]));
}

/** A discovered sync with the file (relative to the syncs folder) that exports it. */
export interface SyncSource {
  readonly name: string;
  readonly sync: Sync;
  readonly file: string;
}

/** Every exported sync below `dir` with its file, in file order (for tools that show where a sync lives). */
export async function discoverSyncSources(dir = "src/syncs"): Promise<SyncSource[]> {
  const root = resolve(dir);
  const sources: SyncSource[] = [];
  const origins = new Map<string, string>();
  for (const file of await syncFiles(root)) {
    const module = await importNamingFile(file);
    const origin = relative(root, file);
    const lines = (await readFile(file, "utf8")).split("\n");
    for (const [exportName, value] of Object.entries(module)) {
      const declaration = declarationOf(value);
      if (declaration === undefined) continue;
      const line = lines.findIndex((text) => new RegExp(`\\b(const|let|var|function)\\s+${exportName}\\b`).test(text));
      recordLocation(value as Sync, `${relative(process.cwd(), file)}${line < 0 ? "" : `:${line + 1}`}`);
      const name = isTemplateDeclaration(declaration) ? templateSyncName(origin, exportName) : exportName;
      const earlier = origins.get(name);
      if (earlier !== undefined) throw new Error(`sync ${name} is exported by both ${earlier} and ${origin}; sync names must be unique`);
      origins.set(name, origin);
      sources.push({ name, sync: value as Sync, file: origin });
    }
  }
  return sources;
}

/**
 * Imports a concept or sync file. A name its module does not export (a misspelling, a name
 * removed, a concept folder renamed) fails with a message naming neither the importing file
 * nor where to look; this one says both. (A type imported without `type` is dropped by tsx, as
 * Deno drops it, so it never gets here.)
 */
async function importNamingFile(file: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof SyntaxError) || !/does not provide an export named/.test(error.message)) throw error;
    throw new SyntaxError(`${relative(process.cwd(), file)} (or a module it imports): ${error.message}. npm run typecheck names the line.`, { cause: error });
  }
}

async function syncFiles(dir: string): Promise<string[]> {
  if (!(await isDirectory(dir))) return [];
  const files: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort(byName)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await syncFiles(path)));
    else if (entry.name.endsWith(".sync.ts")) files.push(path);
  }
  return files;
}

function isClass(value: unknown): value is abstract new (...args: never[]) => object {
  return typeof value === "function" && typeof value.prototype === "object" && /^class[\s{]/.test(Function.prototype.toString.call(value));
}

function isConceptClass(value: unknown): value is ConceptClass {
  if (typeof value !== "function") return false;
  const candidate = value as Partial<ConceptClass>;
  return typeof candidate.conceptName === "string" && typeof candidate.schemas === "object" && candidate.schemas !== null;
}

/** What a sync declares (`{ when, then }`), or undefined for anything else a sync file exports (helpers). */
function declarationOf(value: unknown): SyncDeclaration | undefined {
  if (typeof value !== "function" || value.length > 1) return undefined;
  try {
    const declaration = (value as (vars: unknown) => unknown)(variablesProxy().vars) as Partial<SyncDeclaration> | undefined;
    return Array.isArray(declaration?.when?.patterns) && Array.isArray(declaration?.then?.patterns) ? (declaration as SyncDeclaration) : undefined;
  } catch {
    return undefined;
  }
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
