/**
 * Which files are a course backend's (template-style, checked with the template's options)
 * and which are the project's own (checked with tsconfig.json's):
 *
 * - a concept folder whose `<Name>Concept.ts` has no `static schemas`, or that has no such file
 *   (every file in it, tests too);
 * - a sync file written against the template's aliases (`@engine`, `@concepts`);
 * - a helper file that only those import (a student's `src/utils/llm.ts`, `src/services/x.ts`).
 *
 * Everything else stays the project's: its framework folders, its concepts with schemas and
 * what they import, test/, scripts/ and the rest of tsconfig.json's files. A helper imported
 * by both is the project's (its strict options are the ones both sides can rely on).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import ts from "typescript";

/** Folders that are always the project's own, whatever imports them. */
const frameworkFolders = ["src/engine", "src/edges", "src/concepts/Requesting", "src/utils/deno"];

const hasSchemas = /\bstatic\s+(?:readonly\s+)?schemas\b/;
const templateAlias = /^@(?:engine|concepts)(?:\/|$)/;

export interface FileSplit {
  /** Template-style files (absolute, `/`-separated as TypeScript names them). */
  template: Set<string>;
  /** The project's own files among tsconfig.json's. */
  project: Set<string>;
}

const normal = (path: string) => ts.sys.resolvePath(path).replaceAll("\\", "/");

function tsFilesUnder(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...tsFilesUnder(path));
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts")) files.push(normal(path));
  }
  return files;
}

function importSpecifiers(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return ts.preProcessFile(text, true, true).importedFiles.map((imported) => imported.fileName);
}

/** Concept folders without schemas, and syncs against the template's aliases. */
export function templateRoots(root: string): string[] {
  const roots: string[] = [];
  const conceptsDir = join(root, "src/concepts");
  if (existsSync(conceptsDir)) {
    for (const entry of readdirSync(conceptsDir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === "Requesting") continue;
      const conceptFile = join(conceptsDir, entry.name, `${entry.name}Concept.ts`);
      // Only a folder with a concept that declares schemas is the project's; one without any
      // concept file (a course's stray copies, which deno check never reached) is the course's.
      if (existsSync(conceptFile) && hasSchemas.test(readFileSync(conceptFile, "utf8"))) continue;
      roots.push(...tsFilesUnder(join(conceptsDir, entry.name)));
    }
  }
  const syncsDir = join(root, "src/syncs");
  if (existsSync(syncsDir) && statSync(syncsDir).isDirectory()) {
    for (const file of tsFilesUnder(syncsDir)) {
      if (importSpecifiers(file).some((specifier) => templateAlias.test(specifier))) roots.push(file);
    }
  }
  return roots;
}

export function splitFiles(root: string, fileNames: readonly string[], options: ts.CompilerOptions): FileSplit {
  const base = normal(resolve(root));
  const inFramework = (file: string) => frameworkFolders.some((folder) => !relative(join(base, folder), file).startsWith(".."));
  const local = (file: string) => !relative(base, file).startsWith("..") && !file.includes("/node_modules/");

  const importsOf = new Map<string, string[]>();
  const imports = (file: string): string[] => {
    let found = importsOf.get(file);
    if (found === undefined) {
      found = [];
      for (const specifier of importSpecifiers(file)) {
        const resolved = ts.resolveModuleName(specifier, file, options, ts.sys).resolvedModule;
        if (resolved === undefined || resolved.isExternalLibraryImport || resolved.extension === ".d.ts") continue;
        const target = normal(resolved.resolvedFileName);
        if (local(target)) found.push(target);
      }
      importsOf.set(file, found);
    }
    return found;
  };
  const closure = (start: Iterable<string>, enter: (file: string) => boolean): Set<string> => {
    const seen = new Set<string>();
    const queue = [...start];
    for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
      if (seen.has(file)) continue;
      seen.add(file);
      for (const next of imports(file)) if (!seen.has(next) && enter(next)) queue.push(next);
    }
    return seen;
  };

  const roots = new Set(templateRoots(root));
  const templateReached = closure(roots, (file) => !inFramework(file));
  const all = fileNames.map(normal);
  const projectRoots = all.filter((file) => inFramework(file) || (!roots.has(file) && !templateReached.has(file)));
  const projectReached = closure(projectRoots, (file) => !roots.has(file));

  const template = new Set([...roots, ...[...templateReached].filter((file) => !projectReached.has(file) && !inFramework(file))]);
  const project = new Set([...all, ...projectReached].filter((file) => !template.has(file)));
  return { template, project };
}
