/**
 * Type-checks a project the way `npm run typecheck` promises: the project's own files with
 * tsconfig.json's options, and a course backend's files (see classify.ts) with the 6.1040
 * template's, each file's diagnostics taken from the one program that owns it.
 */
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import ts from "typescript";
import { splitFiles } from "./classify.ts";
import { readProjectConfig, templateOptions } from "./options.ts";

export interface TypecheckResult {
  diagnostics: ts.Diagnostic[];
  /** Files checked with the template's options. */
  templateFiles: string[];
}

/** One host for both programs, so the library and shared files are parsed once. */
function sharedHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options, true);
  const parsed = new Map<string, ts.SourceFile | undefined>();
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const key = `${typeof languageVersion === "object" ? JSON.stringify(languageVersion) : languageVersion}:${fileName}`;
    if (!parsed.has(key)) parsed.set(key, getSourceFile(fileName, languageVersion, onError, shouldCreate));
    return parsed.get(key);
  };
  return host;
}

function diagnosticsFor(program: ts.Program, files: ReadonlySet<string>): ts.Diagnostic[] {
  const found: ts.Diagnostic[] = [];
  for (const sourceFile of program.getSourceFiles()) {
    if (!files.has(sourceFile.fileName)) continue;
    found.push(...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile));
  }
  return found;
}

/** Deno's typing of the web APIs where Node's differ (`response.json()` is `any`), for course files only. */
const denoWebTypes = fileURLToPath(new URL("./deno/web.d.ts", import.meta.url));

export function typecheck(root: string): TypecheckResult {
  const config = readProjectConfig(join(root, "tsconfig.json"));
  const split = splitFiles(root, config.fileNames, config.options);
  const host = sharedHost(config.options);
  const own = ts.createProgram({ rootNames: [...split.project], options: config.options, host });
  const diagnostics = [...config.errors, ...own.getOptionsDiagnostics(), ...own.getGlobalDiagnostics(), ...diagnosticsFor(own, split.project)];
  if (split.template.size > 0) {
    // The project's ambient declarations (the `Deno` global of src/utils/deno/globals.d.ts) apply
    // to course files too, and so do Deno's types for the web APIs where Node's differ.
    const ambient = [...config.fileNames.filter((file) => file.endsWith(".d.ts")), denoWebTypes];
    const course = ts.createProgram({ rootNames: [...split.template, ...ambient], options: templateOptions(config.options), host });
    diagnostics.push(...diagnosticsFor(course, split.template));
  }
  return { diagnostics, templateFiles: [...split.template].sort() };
}
