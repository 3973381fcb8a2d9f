/**
 * `npm run spec -- --write-signatures X`: the signature lines of `X.spec.md` written from
 * `XSchemas`, for code that came first. Only the signatures change: the prose, requires and
 * effects, and a note after a signature stay as written (`[sync only]` is added to a
 * sync-only action's). A type the spec
 * already says the same way keeps its words (`User`, not `ID`); a new id is named for the
 * generic its field names (`user` -> `User`), else `ID`.
 */
import type { ConceptClass, OperationSchema } from "../../../src/engine/concept.ts";
import { fieldsOfZod } from "../format/from-zod.ts";
import { TypeReader } from "../format/type-reader.ts";
import { fieldText, typeKey, type SpecField, type SpecType } from "../format/types.ts";

const signatureStart = /^ {4}(_?[A-Za-z][A-Za-z0-9]*) ?\(/;
const headerGenerics = /^#*\s*concept:?\s+[A-Z][A-Za-z0-9]*\s*\[([^\]]*)\]/m;

export interface WrittenSignatures {
  markdown: string;
  /** Operations of the code added to the spec, and operations of the spec the code lacks. */
  added: string[];
  notInCode: string[];
}

export function writeSignatures(markdown: string, concept: Pick<ConceptClass, "schemas">): WrittenSignatures {
  const generics = (headerGenerics.exec(markdown)?.[1] ?? "").split(",").map((name) => name.trim()).filter(Boolean);
  const lines = markdown.split("\n");
  const written = new Set<string>();
  const notInCode: string[] = [];
  const sectionEnds: Record<"action" | "query", number> = { action: -1, query: -1 };
  let section: "action" | "query" | undefined;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const bold = /^\*\*([^*]+)\*\*/.exec(line);
    if (bold !== null) section = bold[1] === "actions" ? "action" : bold[1] === "queries" ? "query" : undefined;
    if (section === undefined) continue;
    if (line.trim() !== "" && (/^ {4}/.test(line) || bold !== null)) sectionEnds[section] = index;
    const start = signatureStart.exec(line);
    if (start === null) continue;
    const name = start[1]!;
    const schema = concept.schemas[name];
    if (schema === undefined) {
      notInCode.push(name);
      continue;
    }
    lines[index] = rewritten(line, name, schema, generics);
    written.add(name);
  }
  const added: string[] = [];
  // New operations go after the last signature of their section, last section first so the line numbers hold.
  for (const kind of ["query", "action"] as const) {
    const missing = Object.entries(concept.schemas).filter(([name, schema]) => schema.kind === kind && !written.has(name));
    if (missing.length === 0 || sectionEnds[kind] === -1) continue;
    lines.splice(sectionEnds[kind] + 1, 0, ...missing.map(([name, schema]) => `    ${signatureText(name, schema, generics, new Map(), new Map())}${schema.kind === "action" && schema.syncOnly === true ? "   [sync only]" : ""}`));
    added.push(...missing.map(([name]) => name));
  }
  return { markdown: lines.join("\n"), added, notInCode };
}

function rewritten(line: string, name: string, schema: OperationSchema, generics: string[]): string {
  const open = line.indexOf("(");
  const argsEnd = closing(line, open);
  const colon = /^\s*:\s*/.exec(line.slice(argsEnd + 1));
  const resultsStart = colon === null ? -1 : argsEnd + 1 + colon[0].length;
  const resultsEnd = resultsStart !== -1 && line[resultsStart] === "(" ? closing(line, resultsStart) : argsEnd;
  const note = line.slice(resultsEnd + 1);
  const before = written(line.slice(open, argsEnd + 1));
  const after = resultsStart === -1 ? new Map<string, SpecType>() : written(line.slice(resultsStart, resultsEnd + 1));
  // A sync-only action says so after its signature, as the drift check expects.
  const marked = schema.kind === "action" && schema.syncOnly === true && !/\[sync only/.test(note) ? `   [sync only]${note.trim() === "" ? "" : ` ${note.trim()}`}` : note;
  return `    ${signatureText(name, schema, generics, before, after)}${marked.trim() === "" ? "" : /^\s{2,}/.test(marked) ? marked : `   ${marked.trim()}`}`;
}

function signatureText(name: string, schema: OperationSchema, generics: string[], inputs: Map<string, SpecType>, outputs: Map<string, SpecType>): string {
  const list = (fields: SpecField[], said: Map<string, SpecType>) => fields.map((field) => fieldText({ ...field, type: wordsFor(field, said.get(field.name), generics) })).join(", ");
  return `${name} (${list(fieldsOfZod(schema.input, "input"), inputs)}): (${list(fieldsOfZod(schema.output, "output"), outputs)})`;
}

/** The index of the parenthesis closing the one at `open` (the line's end when unbalanced). */
function closing(line: string, open: number): number {
  let depth = 0;
  for (let index = open; index < line.length; index++) {
    if (line[index] === "(" || line[index] === "{") depth++;
    else if ((line[index] === ")" || line[index] === "}") && --depth === 0) return index;
  }
  return line.length - 1;
}

/** The types a signature's list already gives, when it reads as typed fields (an untyped list gives none). */
function written(list: string): Map<string, SpecType> {
  try {
    return new Map(new TypeReader(list, 0, "any").fields().map((field) => [field.name, field.type]));
  } catch {
    return new Map();
  }
}

/** The code's type in the spec's words: as the spec said it when that is the same type, with ids named for their generic. */
function wordsFor(field: SpecField, said: SpecType | undefined, generics: string[]): SpecType {
  if (said !== undefined && typeKey(said) === typeKey(field.type)) return said;
  return namedIds(field.type, field.name, generics);
}

function namedIds(type: SpecType, fieldName: string, generics: string[]): SpecType {
  switch (type.kind) {
    case "id": {
      const generic = generics.find((name) => fieldName.toLowerCase().startsWith(name.toLowerCase()) || fieldName.toLowerCase().endsWith(name.toLowerCase()));
      return { kind: "id", name: generic ?? "ID" };
    }
    case "list":
    case "nullable":
      return { ...type, of: namedIds(type.of, fieldName, generics) };
    case "object":
      return { kind: "object", fields: type.fields.map((field) => ({ ...field, type: namedIds(field.type, field.name, generics) })) };
    default:
      return type;
  }
}
