/**
 * Concept specs and code held together (`npm run spec -- --check`, issue 27): the project's
 * concepts agree with their specs (so this file is the drift check inside `npm test`), each
 * spec generates schemas equal to its code's, a malformed spec is refused with its line and
 * column, and every kind of difference fails the check naming the spec line and the schema.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { checkSpecs, differencesOf } from "../../scripts/spec/drift/check.ts";
import { SpecFormatError } from "../../scripts/spec/format/errors.ts";
import { fieldsOfZod } from "../../scripts/spec/format/from-zod.ts";
import { parseConceptSpec } from "../../scripts/spec/format/parse.ts";
import { typeKey, type SpecField } from "../../scripts/spec/format/types.ts";
import { zodObjectOf } from "../../scripts/spec/format/zod-of.ts";
import { writeSignatures } from "../../scripts/spec/signatures/write.ts";
import { action, query, type ConceptSchemas } from "../../src/engine/concept.ts";
import { discoverConcepts } from "../../src/engine/index.ts";
import { id, instant } from "../../src/utils/schemas.ts";

const conceptsDir = "src/concepts";

/** Fields as the drift check compares them: name, optionality and type. */
function shape(fields: SpecField[]): string[] {
  return fields.map((field) => `${field.name}${field.optional ? "?" : ""}: ${typeKey(field.type)}`).sort();
}

describe("the project's concepts and their specs", () => {
  it("agree: npm run spec -- --check finds no difference, checking every one (Requesting, prose, reported)", { timeout: 120_000 }, async () => {
    const report = await checkSpecs(conceptsDir);
    expect(report.differences).toEqual([]);
    expect(report.checked).toEqual(expect.arrayContaining(["Badge", "FocusSession", "FocusStats", "FocusTimer", "Streak"]));
    expect(report.notChecked).toEqual([expect.stringMatching(/^Requesting: not served over HTTP/)]);
  });

  it("round-trip: every concept's spec generates schemas equal to the ones in its code", async () => {
    for (const concept of await discoverConcepts(conceptsDir)) {
      if (concept.exposeOverHttp === false) continue;
      const spec = parseConceptSpec(await readFile(join(conceptsDir, concept.conceptName, `${concept.conceptName}.spec.md`), "utf8"));
      const generated = Object.fromEntries(spec.operations.map((operation) => [operation.name, { kind: operation.kind, syncOnly: operation.syncOnly, input: shape(fieldsOfZod(zodObjectOf(operation.inputs, "input"), "input")), output: shape(fieldsOfZod(zodObjectOf(operation.outputs, "output"), "output")) }]));
      const coded = Object.fromEntries(Object.entries(concept.schemas).map(([name, schema]) => [name, { kind: schema.kind, syncOnly: schema.kind === "action" && schema.syncOnly === true, input: shape(fieldsOfZod(schema.input, "input")), output: shape(fieldsOfZod(schema.output, "output")) }]));
      expect(generated, concept.conceptName).toEqual(coded);
    }
  });

  it("reports a template-style concept (no schemas) without failing", async () => {
    const report = await checkSpecs("test/course/fixtures");
    expect(report).toEqual({ differences: [], checked: [], notChecked: [expect.stringMatching(/^Poll: no static schemas/)] });
  });
});

const header = "# concept: Reading [User]\n\n**purpose** keep a reading list\n\n";

function refusal(markdown: string): Pick<SpecFormatError, "line" | "column"> & { expected: string } {
  try {
    parseConceptSpec(markdown, "Reading.spec.md");
  } catch (error) {
    if (!(error instanceof SpecFormatError)) throw error;
    expect(error.message).toBe(`Reading.spec.md:${error.line}:${error.column}: expected ${error.expected}`);
    return { line: error.line, column: error.column, expected: error.expected };
  }
  throw new Error("the spec was read");
}

describe("a malformed spec", () => {
  it("is refused with its line, column and what was expected", () => {
    expect(refusal("concept reading\n")).toMatchObject({ line: 1, column: 1, expected: expect.stringContaining("concept Name [Generic, ...]") });
    expect(refusal(`${header}**actions**\n\n    add (user, title: String): ()\n`)).toMatchObject({ line: 7, column: 14, expected: expect.stringContaining('":" and the type of user') });
    expect(refusal(`${header}**actions**\n\n    add (user: Person): ()\n`)).toMatchObject({ line: 7, column: 16, expected: expect.stringContaining("(not Person)") });
    expect(refusal(`${header}**actions**\n\n    add (user: User): (item: ID\n`)).toMatchObject({ line: 7, column: 32, expected: '"," or ")"' });
    expect(refusal(`${header}**actions**\n\n    add (user: User) (item: ID)\n`)).toMatchObject({ line: 7, column: 22, expected: expect.stringContaining('": (results)"') });
    expect(refusal(`${header}**queries**\n\n    list (user: User): (item: ID)\n`)).toMatchObject({ line: 7, column: 5, expected: expect.stringContaining('starting with "_"') });
    expect(refusal(`${header}**actions**\n\n    add (state: "a" or Number): ()\n`)).toMatchObject({ line: 7, column: 17 });
    expect(refusal(`${header}**state**\n\n    a set of Items with\n      a title String extra\n\n**actions**\n\n    add (): ()\n`)).toMatchObject({ line: 8, column: 22, expected: expect.stringContaining("note in parentheses") });
    expect(refusal(`${header}**state**\n\n    some Items\n`)).toMatchObject({ line: 7, column: 5 });
    expect(refusal("# concept: Reading\n\n**actions**\n\n    add (): ()\n")).toMatchObject({ expected: "a **purpose** section" });
  });
});

const spec = `${header}**state**

    a set of Items with
      a user User
      a title String
      a pages Number

**actions**

    add (user: User, title: String, pages?: Number): (item: Item)
      requires title is not empty
      effects  stores it

**queries**

    _list (user: User, since?: Date): (item: Item, title: String)
`;

const schemas = {
  add: action({ input: z.object({ user: id, title: z.string(), pages: z.number().optional() }), output: z.object({ item: id }) }),
  _list: query({ input: z.object({ user: id, since: instant.optional() }), output: z.object({ item: id, title: z.string() }) }),
} satisfies ConceptSchemas;

const documents = new Map([["items", new Set(["_id", "user", "title", "pages"])]]);

function differences(markdown: string, code: ConceptSchemas = schemas, fields = documents): string[] {
  return differencesOf(parseConceptSpec(markdown), { conceptName: "Reading", schemas: code }, fields, "Reading.spec.md");
}

describe("the drift check", () => {
  it("finds nothing when spec and code agree", () => {
    expect(differences(spec)).toEqual([]);
  });

  it("fails on an action or query only one side has", () => {
    expect(differences(spec, { add: schemas.add })).toEqual(["Reading.spec.md:20: query _list is in the spec but not in ReadingSchemas"]);
    expect(differences(spec, { ...schemas, remove: action({ input: z.object({ item: id }), output: z.object({}) }) })).toEqual([
      "Reading.spec.md: action remove is in ReadingSchemas but not in the spec (add its signature under **actions**)",
    ]);
  });

  it("fails on an argument or result whose name, optionality or type differs", () => {
    expect(differences(spec.replace("title: String, pages", "name: String, pages"))).toEqual([
      "Reading.spec.md:14: add: argument name is in the spec but not in ReadingSchemas.add.input",
      "Reading.spec.md:14: add: argument title is in ReadingSchemas.add.input but not in the spec",
    ]);
    expect(differences(spec.replace("pages?: Number", "pages: Number"))).toEqual(["Reading.spec.md:14: add: argument pages is required in the spec but optional in ReadingSchemas.add.input"]);
    expect(differences(spec.replace("pages?: Number", "pages?: String"))).toEqual(["Reading.spec.md:14: add: argument pages is String in the spec but Number in ReadingSchemas.add.input"]);
    expect(differences(spec.replace("(item: Item, title: String)", "(item: Item, title: list of String)"))).toEqual(["Reading.spec.md:20: _list: result title is list of String in the spec but String in ReadingSchemas._list.output"]);
    expect(differences(spec.replace("since?: Date", "since?: Number"))).toEqual(["Reading.spec.md:20: _list: argument since is Number in the spec but Date in ReadingSchemas._list.input"]);
  });

  it("fails on an action sync-only on one side only", () => {
    expect(differences(spec.replace("(item: Item)\n", "(item: Item)   [sync only]\n"))).toEqual(["Reading.spec.md:14: add is [sync only] in the spec but not in ReadingSchemas"]);
    expect(differences(spec, { ...schemas, add: action({ input: schemas.add.input, output: schemas.add.output, syncOnly: true }) })).toEqual(["Reading.spec.md:14: add is sync-only in ReadingSchemas but the spec's signature has no [sync only]"]);
  });

  it("fails on a state field the code's document type lacks, and a set without a collection", () => {
    expect(differences(spec, schemas, new Map([["items", new Set(["_id", "user", "title"])]]))).toEqual(["Reading.spec.md:10: state field pages of Items is not in the document type of Reading.items"]);
    expect(differences(spec, schemas, new Map())).toEqual(['Reading.spec.md:7: set Items has no collection Reading.items in the code (this.collection<Doc>("items"))']);
  });

  it("reads the document types from the code (inherited fields too): a field missing from one fails", { timeout: 120_000 }, async () => {
    const streak = await readFile("src/concepts/Streak/Streak.spec.md", "utf8");
    const { collectionFieldsOf } = await import("../../scripts/spec/drift/document-fields.ts");
    const fields = collectionFieldsOf(["src/concepts/Streak/StreakConcept.ts"]).get("src/concepts/Streak/StreakConcept.ts")!;
    expect([...fields.get("streaks")!].sort()).toEqual(["_id", "current", "lastActiveDay", "latestAt", "longest", "rev", "runs", "sessions", "timeZone"]);
    const { StreakConcept } = await import("../../src/concepts/Streak/StreakConcept.ts");
    const withBadge = streak.replace("      a longest Number (the longest run ever)\n", "      a longest Number (the longest run ever)\n      a badge String\n");
    expect(differencesOf(parseConceptSpec(withBadge), StreakConcept, fields, "Streak.spec.md")).toEqual([
      expect.stringMatching(/^Streak\.spec\.md:\d+: state field badge of Streaks is not in the document type of Streak\.streaks$/),
    ]);
  });
});

describe("npm run spec -- --write-signatures", () => {
  it("writes the signatures from the schemas, keeping the spec's words for types, the notes, requires and effects", () => {
    const untyped = spec.replace("add (user: User, title: String, pages?: Number): (item: Item)", "add (user, title): (item)     (a note)");
    const withCount = { ...schemas, add: action({ input: schemas.add.input, output: schemas.add.output, syncOnly: true }), _count: query({ input: z.object({ user: id }), output: z.object({ count: z.number() }) }) };
    const { markdown, added, notInCode } = writeSignatures(untyped, { schemas: withCount });
    expect(markdown).toContain("    add (user: User, title: String, pages?: Number): (item: ID)   [sync only] (a note)\n      requires title is not empty\n      effects  stores it\n");
    expect(markdown).toContain("    _list (user: User, since?: Date): (item: Item, title: String)\n    _count (user: User): (count: Number)\n");
    expect(added).toEqual(["_count"]);
    expect(notInCode).toEqual([]);
    expect(differences(markdown, withCount)).toEqual([]);
  });
});
