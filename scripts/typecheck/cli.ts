/**
 * `npm run typecheck`: brings the `@concepts` barrel up to date, then checks the project's own
 * code with tsconfig.json's options and a course backend's (concepts without schemas, syncs
 * written against `@engine` or `@concepts`, the helpers only they import) with the 6.1040
 * template's, so ported code reports exactly what `deno check` reported. Exits 1 on any error.
 */
import { relative } from "node:path";
import ts from "typescript";
import { refreshBarrelOrWarn } from "../../src/utils/refresh-barrel.ts";
import { typecheck } from "./check.ts";

const root = process.cwd();
await refreshBarrelOrWarn("src/concepts", (line) => process.stderr.write(`${line}\n`));
const { diagnostics, templateFiles } = typecheck(root);

const formatHost: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (fileName) => fileName,
  getCurrentDirectory: () => root,
  getNewLine: () => "\n",
};
if (diagnostics.length > 0) {
  const format = process.stdout.isTTY ? ts.formatDiagnosticsWithColorAndContext : ts.formatDiagnostics;
  process.stdout.write(format(diagnostics, formatHost));
}
if (templateFiles.length > 0) {
  process.stdout.write(`${templateFiles.length} course file(s) checked with the 6.1040 template's options: ${templateFiles.map((file) => relative(root, file)).join(", ")}\n`);
}
const errors = diagnostics.filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error);
const files = new Set(errors.map((diagnostic) => diagnostic.file?.fileName ?? ""));
if (errors.length > 0) {
  process.stdout.write(`\nFound ${errors.length} error${errors.length === 1 ? "" : "s"} in ${files.size} file${files.size === 1 ? "" : "s"}.\n`);
  process.exitCode = 1;
}
