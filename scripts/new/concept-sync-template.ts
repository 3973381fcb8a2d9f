/**
 * The files `npm run new -- sync <feature> <Name> --when A.x --then B.y` writes: a sync
 * between two concepts (when A.x succeeds, B.y), typed against their schemas, and its test.
 * B.y's inputs are bound to A.x's outputs (or inputs) of the same name; a required input
 * with no namesake gets a placeholder value and a comment, so the file compiles at once.
 */
import type { ConceptClass } from "../../src/engine/concept.ts";
import { fieldsOfZod } from "../spec/format/from-zod.ts";
import { sample } from "./from-spec/samples.ts";

export interface NamedAction {
  concept: ConceptClass;
  action: string;
}

/** `Concept.action` among the concepts, or why not. */
export function namedAction(concepts: readonly ConceptClass[], text: string): NamedAction | string {
  const [conceptName, action] = text.split(".");
  const known = concepts.flatMap((concept) => Object.entries(concept.schemas).filter(([, schema]) => schema.kind === "action").map(([name]) => `${concept.conceptName}.${name}`));
  const concept = concepts.find((found) => found.conceptName === conceptName);
  if (concept === undefined || action === undefined || concept.schemas[action]?.kind !== "action") return `${text} is not an action of a concept here; the actions: ${known.join(", ")}`;
  return { concept, action };
}

export function conceptSyncFiles(feature: string, name: string, when: NamedAction, then: NamedAction): Map<string, string> {
  const file = kebab(name);
  return new Map([
    [`src/syncs/${feature}/${file}.sync.ts`, syncSource(name, when, then)],
    [`test/syncs/${feature}.${file}.test.ts`, testSource(feature, name, file, when, then)],
  ]);
}

export function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

/** Field names that cannot be variables in a destructuring pattern. */
const reserved = new Set(["delete", "new", "class", "default", "function", "var", "let", "const", "in", "this", "return", "if", "for", "while", "switch", "case", "import", "export", "typeof", "void"]);

function syncSource(name: string, when: NamedAction, then: NamedAction): string {
  const whenSchema = when.concept.schemas[when.action]!;
  const thenInputs = fieldsOfZod(then.concept.schemas[then.action]!.input, "input");
  const outputs = new Set(fieldsOfZod(whenSchema.output, "output").map((field) => field.name));
  const inputs = new Set(fieldsOfZod(whenSchema.input, "input").map((field) => field.name));
  const bound = thenInputs.filter((field) => outputs.has(field.name) || inputs.has(field.name));
  const placeholders = thenInputs.filter((field) => !field.optional && !outputs.has(field.name) && !inputs.has(field.name));
  const variable = (field: string) => (reserved.has(field) ? `${field}Value` : field);
  const pattern = (fields: string[]) => (fields.length === 0 ? "{}" : `{ ${fields.map((field) => (variable(field) === field ? field : `${field}: ${variable(field)}`)).join(", ")} }`);
  const fromOutput = bound.filter((field) => outputs.has(field.name)).map((field) => field.name);
  const fromInput = bound.filter((field) => !outputs.has(field.name)).map((field) => field.name);
  const thenFields = [
    ...bound.map((field) => (variable(field.name) === field.name ? field.name : `${field.name}: ${variable(field.name)}`)),
    ...placeholders.map((field) => `${field.name}: ${sample(field.type, field.name, "new Date()")} /* not in ${when.concept.conceptName}.${when.action}: bind it in a where clause */`),
  ];
  const imports = [...new Set([when.concept.conceptName, then.concept.conceptName])].sort();
  return `/**
 * ${name}: when ${when.concept.conceptName}.${when.action} succeeds, ${then.concept.conceptName}.${then.action}.
 * (Say why, and why it is one sync.) A misspelt field, a wrong type or a missing required
 * input is a compile error: the patterns are typed against the concepts' schemas.
 */
${imports.map((concept) => `import { ${concept} } from "../../concepts/${concept}/${concept}Concept.ts";`).join("\n")}
import { actions, type Sync } from "../../engine/index.ts";

export const ${name}: Sync = (${bound.length === 0 ? "" : `{ ${bound.map((field) => variable(field.name)).join(", ")} }`}) => ({
  when: actions([${when.concept.conceptName}.${when.action}, ${pattern(fromInput)}, ${pattern(fromOutput)}]),
  then: actions([${then.concept.conceptName}.${then.action}, ${thenFields.length === 0 ? "{}" : `{ ${thenFields.join(", ")} }`}]),
});
`;
}

function testSource(feature: string, name: string, file: string, when: NamedAction, then: NamedAction): string {
  const whenName = `${when.concept.conceptName}.${when.action}`;
  const thenName = `${then.concept.conceptName}.${then.action}`;
  return `import { describe, expect, it } from "vitest";
import { useFocusApp } from "../support/app.ts";

const focus = useFocusApp();

describe("${name} (src/syncs/${feature}/${file}.sync.ts)", () => {
  it("is loaded by the engine, joining ${whenName} to ${thenName}", () => {
    const sync = focus.engine.syncDeclarations().find((declared) => declared.name === "${name}");
    expect(sync?.when.map((pattern) => pattern.key)).toEqual(["${whenName}"]);
    expect(sync?.then.map((action) => \`\${action.concept}.\${action.action}\`)).toEqual(["${thenName}"]);
  });

  // Call ${whenName} through the app (POST /api/${when.concept.conceptName}/${when.action} with the service key, see test/http/harness.ts)
  // and read what ${thenName} changed with one of ${then.concept.conceptName}'s queries.
  it.todo("when ${whenName} succeeds, ${thenName} runs with its outputs");
});
`;
}
