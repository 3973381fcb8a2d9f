/**
 * `<Name>Concept.ts` written from a spec: the schemas from the signatures, a document type
 * per set in "<Name>.<set>", the indexes the queries' look-ups imply, and every operation a
 * method carrying its signature, requires and effects, answering `{ error }` until written.
 */
import { clauses } from "../../spec/spec-md.ts";
import { elementOf, type ConceptSpecDoc, type SpecOperation, type StateSet } from "../../spec/format/parse.ts";
import { fieldText, objectSource, tsType, type SpecField } from "../../spec/format/types.ts";
import { collectionOf } from "../../spec/drift/check.ts";
import { impliedIndexes } from "./indexes.ts";

export function conceptSourceFromSpec(spec: ConceptSpecDoc): string {
  const { name } = spec;
  const schemas = spec.operations.map(schemaSource).join("");
  const uses = (piece: string) => new RegExp(`\\b${piece}\\b`).test(schemas);
  const shared = ["id", "instant"].filter(uses);
  return `import { z } from "zod";
import { action, query, type ConceptImplementation, type ConceptSchemas, type ErrorOutput, type InputOf, type OutputOf } from "../../engine/concept.ts";
import { conceptRef } from "../../engine/refs.ts";
${shared.length > 0 ? `import { ${shared.join(", ")} } from "../../utils/schemas.ts";\n` : ""}import { StoredConcept } from "../../utils/stored-concept.ts";

/**
 * Each action and query once, as zod schemas, from ${name}.spec.md's signatures: HTTP
 * validation, /openapi.json, docs/api/ and sync typing derive from them, and
 * \`npm run spec -- --check\` (in npm test) fails when they and the spec part.
 */
export const ${name}Schemas = {
${schemas}} satisfies ConceptSchemas;

type Schemas = typeof ${name}Schemas;
${spec.sets.map((set) => documentSource(name, set)).join("")}
/**
 * concept ${name}${spec.generics.length > 0 ? ` [${spec.generics.join(", ")}]` : ""}
${commentLines("purpose  ", spec.purpose)}
${commentLines("principle", spec.principle)}
 */
export class ${name}Concept extends StoredConcept implements ConceptImplementation<Schemas> {
  static readonly conceptName = "${name}";
  static readonly schemas = ${name}Schemas;
${spec.sets.map((set) => `\n  protected readonly ${collectionOf(set.name)} = this.collection<${elementOf(set.name)}Doc>("${collectionOf(set.name)}");`).join("")}

  /** Runs once, before the first operation (StoredConcept sees to it): the indexes the queries' look-ups need. */
  protected async prepare(): Promise<void> {${indexesSource(spec)}}
${spec.operations.map((operation) => methodSource(name, operation)).join("")}}

/** What syncs name: ${spec.operations.slice(0, 2).map((operation) => `\`${name}.${operation.name}\``).join(", ")}. */
export const ${name} = conceptRef(${name}Concept);
`;
}

function schemaSource(operation: SpecOperation): string {
  const requires = operation.requires.join("; ");
  const description = [operation.effects.join("; "), requires === "" ? "" : `requires ${requires}`].filter(Boolean).join("; ").replace(/\s+/g, " ").trim();
  return `  ${operation.name}: ${operation.kind}({
    input: ${objectSource(operation.inputs, "input")},
    output: ${objectSource(operation.outputs, "output")},${description === "" ? "" : `\n    description: ${JSON.stringify(description)},`}${operation.syncOnly ? "\n    syncOnly: true," : ""}
  }),
`;
}

function documentSource(concept: string, set: StateSet): string {
  const fields = set.fields.filter((field) => !field.storedAsId).map((field) => `  ${field.name}${field.optional ? "?" : ""}: ${tsType(field.type)};`);
  const id = set.fields.find((field) => field.storedAsId);
  return `
/** A document of ${concept}.${collectionOf(set.name)} (the spec's set of ${set.name}). */
interface ${elementOf(set.name)}Doc {
  /** ${id === undefined ? `The ${elementOf(set.name)}'s id.` : `The ${id.name}.`} */
  _id: string;
${fields.join("\n")}${fields.length > 0 ? "\n" : ""}}
`;
}

function indexesSource(spec: ConceptSpecDoc): string {
  const indexes = impliedIndexes(spec);
  if (indexes.length === 0) return "";
  const bySet = new Map<string, typeof indexes>();
  for (const index of indexes) bySet.set(collectionOf(index.set.name), [...(bySet.get(collectionOf(index.set.name)) ?? []), index]);
  const calls = [...bySet].map(([collection, found]) => `    await this.${collection}.createIndexes([${found.map((index) => `{ key: { ${index.fields.map((field) => `${field}: 1`).join(", ")} }, name: "${index.name}" }`).join(", ")}]);`);
  return `\n${calls.join("\n")}\n  `;
}

function methodSource(concept: string, operation: SpecOperation): string {
  const returns = operation.kind === "query" ? `OutputOf<Schemas["${operation.name}"]>[]` : `OutputOf<Schemas["${operation.name}"]>`;
  const comment = [`${operation.name} ${list(operation.inputs)}: ${list(operation.outputs)}`, ...clauseLines("requires", operation.requires), ...clauseLines("effects ", operation.effects)];
  return `
  /** ${comment.join("\n   *  ")} */
  async ${operation.name}(_input: InputOf<Schemas["${operation.name}"]>): Promise<${returns} | ErrorOutput> {
    return { error: "${concept}.${operation.name} is not written yet (see ${concept}.spec.md)" };
  }
`;
}

function list(fields: SpecField[]): string {
  return `(${fields.map(fieldText).join(", ")})`;
}

function clauseLines(label: string, paragraphs: string[]): string[] {
  return paragraphs.flatMap(clauses).filter((clause) => clause !== "").map((clause, index) => `${index === 0 ? label : " ".repeat(label.length)} ${clause.replaceAll("*/", "* /")}`);
}

/** A paragraph as a block comment's lines, wrapped near 100 columns after its label. */
function commentLines(label: string, text: string): string {
  const words = text.replaceAll("*/", "* /").split(" ").filter(Boolean);
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    if (line !== "" && line.length + word.length > 88) {
      lines.push(line);
      line = "";
    }
    line = line === "" ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.map((content, index) => ` * ${index === 0 ? label : " ".repeat(label.length)} ${content}`.trimEnd()).join("\n");
}
