/**
 * Merges a course backend's passthrough entries into this project's
 * src/concepts/Requesting/passthrough.ts: ours are kept, theirs are added after them. Their file
 * is loaded as a module (it may compute its lists), and ours is edited in place, so its
 * comments and order stay as they are.
 */
import { pathToFileURL } from "node:url";
import ts from "typescript";
import type { Attention } from "./attention.ts";

export interface Passthrough {
  inclusions: Record<string, string>;
  exclusions: string[];
}

const ourFile = "src/concepts/Requesting/passthrough.ts";

/** Loads a passthrough.ts module (the port runs under tsx) and checks its shape. */
export async function loadPassthrough(file: string): Promise<Passthrough> {
  const module = (await import(pathToFileURL(file).href)) as { inclusions?: unknown; exclusions?: unknown };
  const inclusions = module.inclusions ?? {};
  const exclusions = module.exclusions ?? [];
  const isReasons = typeof inclusions === "object" && inclusions !== null && !Array.isArray(inclusions) && Object.values(inclusions).every((reason) => typeof reason === "string");
  if (!isReasons) throw new Error(`${file}: inclusions must be an object of route -> reason`);
  if (!Array.isArray(exclusions) || !exclusions.every((route) => typeof route === "string")) throw new Error(`${file}: exclusions must be an array of routes`);
  return { inclusions: inclusions as Record<string, string>, exclusions };
}

function exported(source: ts.SourceFile, name: string): ts.Expression | undefined {
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.name.text === name) return declaration.initializer;
    }
  }
  return undefined;
}

/** Inserts `entries` (each a line) at the end of an object or array literal, with the comma it needs. */
function appendTo(literal: ts.ObjectLiteralExpression | ts.ArrayLiteralExpression, entries: string[], heading: string): { at: number; text: string }[] {
  const elements = ts.isObjectLiteralExpression(literal) ? literal.properties : literal.elements;
  const edits: { at: number; text: string }[] = [];
  const last = elements[elements.length - 1];
  if (last !== undefined && !elements.hasTrailingComma) edits.push({ at: last.getEnd(), text: "," });
  const closing = literal.getEnd() - 1;
  const newline = literal.getSourceFile().text[closing - 1] === "\n" ? "" : "\n";
  edits.push({ at: closing, text: `${newline}  // ${heading}\n${entries.map((entry) => `  ${entry},\n`).join("")}` });
  return edits;
}

export interface Merged {
  text: string;
  added: { inclusions: number; exclusions: number };
  attention: Attention[];
}

/** Our passthrough.ts's text with their entries added (`ours` is that file's current exports). */
export function mergePassthrough(ourText: string, ours: Passthrough, theirs: Passthrough, from: string): Merged {
  const source = ts.createSourceFile(ourFile, ourText, ts.ScriptTarget.Latest, true);
  const inclusions = exported(source, "inclusions");
  const exclusions = exported(source, "exclusions");
  if (inclusions === undefined || !ts.isObjectLiteralExpression(inclusions) || exclusions === undefined || !ts.isArrayLiteralExpression(exclusions)) {
    throw new Error(`${ourFile}: expected \`export const inclusions = { ... }\` and \`export const exclusions = [ ... ]\``);
  }
  const attention: Attention[] = [];
  const known = new Set([...Object.keys(ours.inclusions), ...ours.exclusions]);
  const newInclusions = Object.entries(theirs.inclusions).filter(([route]) => !known.has(route));
  const newExclusions = theirs.exclusions.filter((route) => !known.has(route) && !(route in theirs.inclusions));
  for (const route of Object.keys(theirs.inclusions)) {
    if (ours.exclusions.includes(route)) attention.push({ file: ourFile, problem: `${route}: the course backend includes it, this project excludes it (kept excluded)`, fix: "move it to inclusions if your frontend calls the concept directly" });
  }
  for (const route of theirs.exclusions) {
    if (route in ours.inclusions) attention.push({ file: ourFile, problem: `${route}: the course backend excludes it, this project includes it (kept included)`, fix: "move it to exclusions if your syncs answer it" });
  }
  const heading = `Ported from ${from} (npm run port)`;
  const edits = [
    ...(newInclusions.length > 0 ? appendTo(inclusions, newInclusions.map(([route, reason]) => `${JSON.stringify(route)}: ${JSON.stringify(reason)}`), heading) : []),
    ...(newExclusions.length > 0 ? appendTo(exclusions, newExclusions.map((route) => JSON.stringify(route)), heading) : []),
  ];
  let text = ourText;
  for (const edit of edits.sort((a, b) => b.at - a.at)) text = text.slice(0, edit.at) + edit.text + text.slice(edit.at);
  return { text, added: { inclusions: newInclusions.length, exclusions: newExclusions.length }, attention };
}
