/**
 * Rewrites a course file's import specifiers for this project (PORTING.md, "npm run port"):
 * `npm:pkg@1.2/sub` -> `pkg/sub` (noting the package to install), `jsr:@std/assert@1` ->
 * `jsr:@std/assert` (mapped to the vitest shims), `jsr:@hono/hono` -> `hono`, a relative import
 * of the template's own `src/engine` -> `@engine`; `jsr:@std/dotenv/load` is removed (settings
 * come from the environment). What has no equivalent here is left as it is, with a note.
 */
import ts from "typescript";
import type { Attention } from "./attention.ts";

export interface Rewritten {
  text: string;
  /** npm packages the file needs, as `name` -> the version range it asked for ("" when none). */
  packages: Map<string, string>;
  attention: Attention[];
}

/** Where an import points, in the course backend's layout, for rules that depend on it. */
export type LocateImport = (specifier: string) => "engine" | "other";

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** `npm:@scope/name@^1.2/sub/path` -> { name: "@scope/name", version: "^1.2", rest: "/sub/path" }. */
export function parseNpmSpecifier(specifier: string): { name: string; version: string; rest: string } | undefined {
  const match = /^npm:\/?((?:@[^/@]+\/)?[^/@]+)(?:@([^/]*))?(\/.*)?$/.exec(specifier);
  if (match === null) return undefined;
  return { name: match[1]!, version: match[2] ?? "", rest: match[3] ?? "" };
}

const jsrEquivalents: Record<string, string> = { "@hono/hono": "hono" };

function moduleSpecifiers(source: ts.SourceFile): { literal: ts.StringLiteralLike; statement: ts.Statement | undefined }[] {
  const found: { literal: ts.StringLiteralLike; statement: ts.Statement | undefined }[] = [];
  for (const statement of source.statements) {
    if ((ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier !== undefined && ts.isStringLiteralLike(statement.moduleSpecifier)) {
      found.push({ literal: statement.moduleSpecifier, statement });
    }
  }
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument !== undefined && ts.isStringLiteralLike(argument)) found.push({ literal: argument, statement: undefined });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

export function rewriteImports(file: string, text: string, locate: LocateImport): Rewritten {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const edits: Edit[] = [];
  const packages = new Map<string, string>();
  const attention: Attention[] = [];
  const line = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
  const replace = (literal: ts.StringLiteralLike, to: string) => edits.push({ start: literal.getStart() + 1, end: literal.getEnd() - 1, text: to });

  for (const { literal, statement } of moduleSpecifiers(source)) {
    const specifier = literal.text;
    const at = `line ${line(literal)}: "${specifier}"`;
    if (specifier.startsWith("npm:")) {
      const parsed = parseNpmSpecifier(specifier);
      if (parsed === undefined) continue;
      packages.set(parsed.name, parsed.version);
      replace(literal, `${parsed.name}${parsed.rest}`);
    } else if (/^jsr:\/?@std\/dotenv(@[^/]*)?\/load$/.test(specifier) && statement !== undefined) {
      edits.push({ start: statement.getFullStart(), end: statement.getEnd(), text: "" });
      attention.push({ file, problem: `${at} removed: this project reads settings from the environment, not a .env file`, fix: "export the settings before npm start (set -a; . ./.env; set +a), see PORTING.md" });
    } else if (/^jsr:\/?@std\/assert(@[^/]*)?(\/.*)?$/.test(specifier)) {
      if (specifier !== "jsr:@std/assert") replace(literal, "jsr:@std/assert");
    } else if (specifier.startsWith("jsr:")) {
      const name = /^jsr:\/?((?:@[^/@]+\/)?[^/@]+)(?:@[^/]*)?(\/.*)?$/.exec(specifier);
      const equivalent = name === null ? undefined : jsrEquivalents[name[1]!];
      if (equivalent !== undefined) replace(literal, `${equivalent}${name?.[2] ?? ""}`);
      else attention.push({ file, problem: `${at}: JSR packages do not resolve under Node`, fix: `use the Node equivalent (node:path, node:fs for @std/path and @std/fs) or its npm build (npx jsr add ${name?.[1] ?? specifier})` });
    } else if (specifier === "@test-concepts") {
      attention.push({ file, problem: `${at}: not provided here`, fix: "build the concept in the test: const [db, client] = await testDb(); const concept = new XConcept(db); (close the client at the end)" });
    } else if (specifier === "@syncs") {
      attention.push({ file, problem: `${at}: not provided here (syncs are discovered from src/syncs)`, fix: "drop the import: npm start registers every *.sync.ts file" });
    } else if (/^https?:\/\//.test(specifier)) {
      attention.push({ file, problem: `${at}: URL imports do not resolve under Node`, fix: "install the npm package and import it by name" });
    } else if (specifier.startsWith(".") && locate(specifier) === "engine") {
      replace(literal, "@engine");
    }
  }
  let rewritten = text;
  for (const edit of edits.sort((a, b) => b.start - a.start)) rewritten = rewritten.slice(0, edit.start) + edit.text + rewritten.slice(edit.end);
  return { text: rewritten, packages, attention };
}
