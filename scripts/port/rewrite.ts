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

/** How the course backend sees an import: where it points, and what its deno.json maps it to. */
export interface CourseImports {
  /** Whether a relative import points into the template's own src/engine. */
  locate(specifier: string): "engine" | "other";
  /**
   * The specifier its deno.json "imports" maps this one to (`bcrypt` -> `npm:bcrypt@5`, `@services/x.ts`
   * -> a relative path from the file), or the specifier itself. The template's own aliases are left as they are.
   */
  expand(specifier: string): string;
}

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

export function rewriteImports(file: string, text: string, course: CourseImports): Rewritten {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const edits: Edit[] = [];
  const packages = new Map<string, string>();
  const attention: Attention[] = [];
  const line = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
  const replace = (literal: ts.StringLiteralLike, to: string) => edits.push({ start: literal.getStart() + 1, end: literal.getEnd() - 1, text: to });

  for (const { literal, statement } of moduleSpecifiers(source)) {
    const specifier = course.expand(literal.text);
    const at = `line ${line(literal)}: "${literal.text}"${specifier === literal.text ? "" : ` (deno.json: "${specifier}")`}`;
    const editsBefore = edits.length;
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
    } else if (/^https:\/\/deno\.land\/x\/bcrypt(@[^/]*)?\/mod\.ts$/.test(specifier)) {
      // The password hashing course concepts use most: the same functions, over bcryptjs.
      replace(literal, "@utils/deno/x-bcrypt.ts");
    } else if (/^https?:\/\//.test(specifier)) {
      attention.push({ file, problem: `${at}: URL imports do not resolve under Node`, fix: "install the npm package that does the same and import it by name" });
    } else if (specifier.startsWith(".") && course.locate(specifier) === "engine") {
      replace(literal, "@engine");
    }
    // A deno.json alias no rule above rewrote: its target, which resolves here as it did there.
    if (edits.length === editsBefore && specifier !== literal.text && !/^(jsr:|https?:)/.test(specifier)) replace(literal, specifier);
  }
  let rewritten = text;
  for (const edit of edits.sort((a, b) => b.start - a.start)) rewritten = rewritten.slice(0, edit.start) + edit.text + rewritten.slice(edit.end);
  return { text: rewritten, packages, attention };
}
