/**
 * The strict reader of a concept spec in the course's format (docs/spec-format.md): the
 * header `concept X [Generic, ...]`, **purpose**, **principle**, **state** (sets with typed
 * fields), **actions** and **queries** (typed signatures, each followed by its requires and
 * effects). Anything it cannot read is refused with its line, column and what was expected.
 * Other bold sections (**notes**) and unindented prose are the author's, and left alone.
 */
import { SpecFormatError } from "./errors.ts";
import { TypeReader } from "./type-reader.ts";
import type { SpecField } from "./types.ts";

export interface ConceptSpecDoc {
  name: string;
  generics: string[];
  purpose: string;
  principle: string;
  sets: StateSet[];
  operations: SpecOperation[];
}

export interface StateSet {
  name: string;
  line: number;
  fields: StateField[];
}

export interface StateField extends SpecField {
  line: number;
  /** Kept as the document's `_id` (the field's note says `_id`), as a user's own record may be. */
  storedAsId: boolean;
}

export interface SpecOperation {
  name: string;
  kind: "action" | "query";
  line: number;
  inputs: SpecField[];
  outputs: SpecField[];
  syncOnly: boolean;
  requires: string[];
  effects: string[];
}

type Section = "purpose" | "principle" | "state" | "actions" | "queries" | "other";

const header = /^#*\s*concept:?\s+([A-Z][A-Za-z0-9]*)\s*(?:\[([^\]]*)\])?\s*$/;
const sectionLine = /^\*\*([^*]+)\*\*\s*(.*)$/;
const setLine = /^ {4}an? set of ([A-Z][A-Za-z0-9]*) with\s*$/;

/** The element a set holds: `Timers` holds `Timer`s (a name ending in "ss" is its own). */
export function elementOf(setName: string): string {
  return setName.endsWith("s") && !setName.endsWith("ss") ? setName.slice(0, -1) : setName;
}

export function parseConceptSpec(markdown: string, file = "spec"): ConceptSpecDoc {
  try {
    return parse(markdown.split("\n"));
  } catch (error) {
    if (error instanceof SpecFormatError) throw new SpecFormatError(error.line, error.column, error.expected, file);
    throw error;
  }
}

function parse(lines: string[]): ConceptSpecDoc {
  const first = lines.findIndex((line) => line.trim() !== "");
  const head = header.exec(lines[first] ?? "");
  if (head === null) throw new SpecFormatError(first + 1, 1, "the header: concept Name [Generic, ...] (as # concept: Name [User])");
  const generics = (head[2] ?? "").split(",").map((name) => name.trim()).filter((name) => name !== "");
  for (const generic of generics) if (!/^[A-Z][A-Za-z0-9]*$/.test(generic)) throw new SpecFormatError(first + 1, lines[first]!.indexOf(generic) + 1, "generic parameters in PascalCase, separated by commas");
  const sets = lines.flatMap((line) => setLine.exec(line)?.[1] ?? []);
  const idNames = new Set(["ID", ...generics, ...sets, ...sets.map(elementOf)]);

  const doc: ConceptSpecDoc = { name: head[1]!, generics, purpose: "", principle: "", sets: [], operations: [] };
  const seen = new Set<Section>();
  let section: Section = "other";
  let operation: SpecOperation | undefined;
  let clause: "requires" | "effects" = "effects";
  for (let index = first + 1; index < lines.length; index++) {
    const line = lines[index]!;
    const number = index + 1;
    const bold = sectionLine.exec(line);
    if (bold !== null) {
      section = sectionOf(bold[1]!);
      if (section !== "other" && seen.has(section)) throw new SpecFormatError(number, 1, `one **${section}** section (this is a second)`);
      seen.add(section);
      operation = undefined;
      if (section === "purpose" || section === "principle") doc[section] = paragraph(lines, index, bold[2]!);
      continue;
    }
    if (section === "state" && /^ {4}\S/.test(line)) {
      const set = setLine.exec(line);
      if (set === null) throw new SpecFormatError(number, 5, "a set: a set of Names with");
      doc.sets.push({ name: set[1]!, line: number, fields: [] });
    } else if (section === "state" && /^ {6,}\S/.test(line)) {
      const set = doc.sets.at(-1);
      if (set === undefined) throw new SpecFormatError(number, 1, "a set (a set of Names with) before its fields");
      set.fields.push(stateField(line, number, idNames, set));
    } else if ((section === "actions" || section === "queries") && /^ {4}\S/.test(line)) {
      operation = signature(line, number, idNames, section === "actions" ? "action" : "query");
      // A second signature answering only `(error: String)` is the course's way of naming the failure: every operation has it.
      if (isErrorOverload(operation) && doc.operations.some((other) => other.name === operation!.name)) {
        operation = doc.operations.find((other) => other.name === operation!.name);
        continue;
      }
      if (doc.operations.some((other) => other.name === operation!.name)) throw new SpecFormatError(number, 5, `one signature per operation (${operation.name} has one already)`);
      doc.operations.push(operation);
      clause = "effects";
    } else if (operation !== undefined && /^ {6,}\S/.test(line)) {
      const text = line.trim();
      const word = /^(requires|effects)\b\s*/.exec(text);
      if (word !== null) {
        clause = word[1] as typeof clause;
        operation[clause].push(text.slice(word[0].length));
      } else if (operation[clause].length === 0) operation[clause].push(text);
      else operation[clause][operation[clause].length - 1] += ` ${text}`;
    }
  }
  if (!seen.has("purpose")) throw new SpecFormatError(lines.length, 1, "a **purpose** section");
  if (!seen.has("actions") && !seen.has("queries")) throw new SpecFormatError(lines.length, 1, "an **actions** section (or **queries**) with signatures");
  return doc;
}

function sectionOf(title: string): Section {
  const name = title.trim().toLowerCase();
  return name === "purpose" || name === "principle" || name === "state" || name === "actions" || name === "queries" ? name : "other";
}

/** A bold label's text: the rest of its line and the lines after it, up to a blank line. */
function paragraph(lines: string[], index: number, rest: string): string {
  const parts = [rest];
  for (let next = index + 1; next < lines.length && lines[next]!.trim() !== "" && !sectionLine.test(lines[next]!); next++) parts.push(lines[next]!);
  return parts.join(" ").replace(/\s+/g, " ").trim();
}

/** `a[n] [optional] name[?] Type [(note)]` */
function stateField(line: string, number: number, idNames: ReadonlySet<string>, set: StateSet): StateField {
  const reader = new TypeReader(line, number, idNames);
  const article = reader.word('a field: "a name Type" (or "an ...")');
  if (article !== "a" && article !== "an") reader.fail('a field: "a name Type" (or "an ...")', reader.at - article.length);
  let name = reader.word("the field's name");
  let optional = false;
  if (name === "optional") {
    optional = true;
    name = reader.word("the optional field's name");
  }
  if (reader.peek() === "?") {
    optional = true;
    reader.at++;
  }
  const start = reader.at;
  if (set.fields.some((field) => field.name === name)) reader.fail(`a field not already in ${set.name} (${name} is)`, start - name.length);
  const type = reader.type();
  reader.skipSpaces();
  const note = reader.rest();
  if (note !== "" && !/^\(.*\)$/.test(note)) reader.fail("the end of the field, or a note in parentheses");
  return { name, optional, type, line: number, storedAsId: /\b_id\b/.test(note) };
}

/** `name (arg: Type, opt?: Type): (result: Type)   [sync only] or a short note` */
function signature(line: string, number: number, idNames: ReadonlySet<string>, kind: "action" | "query"): SpecOperation {
  const reader = new TypeReader(line, number, idNames);
  const name = reader.word(`a signature: name (arg: Type): (result: Type)`);
  const start = reader.at - name.length;
  if (kind === "query" && !name.startsWith("_")) reader.fail(`a query's name starting with "_" (_${name})`, start);
  if (kind === "action" && name.startsWith("_")) reader.fail(`an action's name without "_" (queries go under **queries**)`, start);
  const inputs = reader.fields();
  reader.expect(":", `": (results)" after ${name}'s arguments`);
  const outputs = reader.fields();
  const note = reader.rest();
  return { name, kind, line: number, inputs, outputs, syncOnly: /\[sync only/.test(note), requires: [], effects: [] };
}

function isErrorOverload(operation: SpecOperation): boolean {
  return operation.outputs.length === 1 && operation.outputs[0]!.name === "error";
}
