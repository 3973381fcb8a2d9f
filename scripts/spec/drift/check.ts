/**
 * `npm run spec -- --check`: holds each concept's `<Name>.spec.md` against its code. A
 * difference is an action or query that only one side has; an argument or result whose
 * name, optionality or type differs; or a state field the code's document type lacks. Each
 * names the spec's line and the schema. Concepts without schemas (the template's style) and
 * those not served over HTTP (Requesting, the bridge's own) are reported, never failed.
 */
import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import type { ConceptClass } from "../../../src/engine/concept.ts";
import { discoverConcepts } from "../../../src/engine/index.ts";
import { hasUncheckedSchemas } from "../../../src/engine/unchecked.ts";
import { SpecFormatError } from "../format/errors.ts";
import { fieldsOfZod } from "../format/from-zod.ts";
import { parseConceptSpec, type ConceptSpecDoc, type SpecOperation } from "../format/parse.ts";
import { typeKey, typeText, type SpecField } from "../format/types.ts";
import { collectionFieldsOf, type CollectionFields } from "./document-fields.ts";

export interface DriftReport {
  /** One line per difference: `<spec file>:<line>: <what differs> (<schema>)`. */
  differences: string[];
  /** Concepts not checked, and why. */
  notChecked: string[];
  checked: string[];
}

export async function checkSpecs(conceptsDir = "src/concepts"): Promise<DriftReport> {
  const report: DriftReport = { differences: [], notChecked: [], checked: [] };
  const concepts = await discoverConcepts(conceptsDir);
  const files = concepts.map((concept) => join(conceptsDir, concept.conceptName, `${concept.conceptName}Concept.ts`));
  const documents = collectionFieldsOf(files);
  for (const concept of concepts) {
    const name = concept.conceptName;
    if (hasUncheckedSchemas(concept)) {
      report.notChecked.push(`${name}: no static schemas (template style), so nothing to hold its spec against`);
      continue;
    }
    if (concept.exposeOverHttp === false) {
      report.notChecked.push(`${name}: not served over HTTP (the engine's bridge concept, specified in prose)`);
      continue;
    }
    const specFile = join(conceptsDir, name, `${name}.spec.md`);
    const markdown = await readFile(specFile, "utf8").catch(() => undefined);
    const shown = relative(".", specFile);
    if (markdown === undefined) {
      report.differences.push(`${shown}: missing (${name}Schemas has ${Object.keys(concept.schemas).length} operations to specify)`);
      continue;
    }
    let spec: ConceptSpecDoc;
    try {
      spec = parseConceptSpec(markdown, shown);
    } catch (error) {
      if (!(error instanceof SpecFormatError)) throw error;
      report.differences.push(error.message);
      continue;
    }
    report.differences.push(...differencesOf(spec, concept, documents.get(join(conceptsDir, name, `${name}Concept.ts`)) ?? new Map(), shown));
    report.checked.push(name);
  }
  return report;
}

/** Every difference between one concept's spec and its code, in spec order. */
export function differencesOf(spec: ConceptSpecDoc, concept: Pick<ConceptClass, "conceptName" | "schemas">, documents: CollectionFields, file: string): string[] {
  const schemas = `${concept.conceptName}Schemas`;
  const found: string[] = [];
  const inSpec = new Map(spec.operations.map((operation) => [operation.name, operation]));
  for (const operation of spec.operations) {
    const schema = concept.schemas[operation.name];
    if (schema === undefined) {
      found.push(`${file}:${operation.line}: ${operation.kind} ${operation.name} is in the spec but not in ${schemas}`);
      continue;
    }
    if (schema.kind !== operation.kind) found.push(`${file}:${operation.line}: ${operation.name} is a ${operation.kind} in the spec but a ${schema.kind} in ${schemas}`);
    const syncOnly = schema.kind === "action" && schema.syncOnly === true;
    if (syncOnly !== operation.syncOnly) found.push(`${file}:${operation.line}: ${operation.name} is ${operation.syncOnly ? "[sync only] in the spec but not in" : "sync-only in"} ${schemas}${operation.syncOnly ? "" : " but the spec's signature has no [sync only]"}`);
    found.push(...fieldDifferences(operation, "argument", operation.inputs, fieldsOfZod(schema.input, "input"), `${schemas}.${operation.name}.input`, file));
    found.push(...fieldDifferences(operation, "result", operation.outputs, fieldsOfZod(schema.output, "output"), `${schemas}.${operation.name}.output`, file));
  }
  for (const [name, schema] of Object.entries(concept.schemas)) {
    if (!inSpec.has(name)) found.push(`${file}: ${schema.kind} ${name} is in ${schemas} but not in the spec (add its signature under **${schema.kind === "action" ? "actions" : "queries"}**)`);
  }
  for (const set of spec.sets) {
    const collection = collectionOf(set.name);
    const fields = documents.get(collection);
    if (fields === undefined) {
      found.push(`${file}:${set.line}: set ${set.name} has no collection ${concept.conceptName}.${collection} in the code (this.collection<Doc>("${collection}"))`);
      continue;
    }
    for (const field of set.fields) {
      const stored = field.storedAsId ? "_id" : field.name;
      if (!fields.has(stored)) found.push(`${file}:${field.line}: state field ${field.name} of ${set.name} is not in the document type of ${concept.conceptName}.${collection}${field.storedAsId ? " (as _id)" : ""}`);
    }
  }
  return found;
}

/** The collection a set is kept in: `Timers` in "<Concept>.timers". */
export function collectionOf(setName: string): string {
  return setName.charAt(0).toLowerCase() + setName.slice(1);
}

function fieldDifferences(operation: SpecOperation, what: "argument" | "result", specFields: SpecField[], codeFields: SpecField[], schema: string, file: string): string[] {
  const at = `${file}:${operation.line}: ${operation.name}`;
  const found: string[] = [];
  const inCode = new Map(codeFields.map((field) => [field.name, field]));
  for (const field of specFields) {
    const code = inCode.get(field.name);
    if (code === undefined) found.push(`${at}: ${what} ${field.name} is in the spec but not in ${schema}`);
    else if (code.optional !== field.optional) found.push(`${at}: ${what} ${field.name} is ${field.optional ? "optional" : "required"} in the spec but ${code.optional ? "optional" : "required"} in ${schema}`);
    else if (typeKey(code.type) !== typeKey(field.type)) found.push(`${at}: ${what} ${field.name} is ${typeText(field.type)} in the spec but ${typeText(code.type)} in ${schema}`);
  }
  const named = new Set(specFields.map((field) => field.name));
  for (const field of codeFields) if (!named.has(field.name)) found.push(`${at}: ${what} ${field.name} is in ${schema} but not in the spec`);
  return found;
}
