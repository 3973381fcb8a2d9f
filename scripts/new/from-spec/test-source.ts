/**
 * `test/concepts/<Name>.test.ts` written from a spec: the principle as a story and each
 * requires and effects clause as a named case, all to be filled in (`it.todo`, which vitest
 * lists and never fails), and one case per operation that holds what it does today: answer
 * `{ error }`, until its method is written and that case is replaced by the ones listed.
 */
import { clauses } from "../../spec/spec-md.ts";
import type { ConceptSpecDoc, SpecOperation } from "../../spec/format/parse.ts";
import { conceptTestPrelude } from "../concept-template.ts";
import { sampleObject } from "./samples.ts";

export function testSourceFromSpec(spec: ConceptSpecDoc): string {
  const { name } = spec;
  return `${conceptTestPrelude(name, [])}
describe("${name} principle", () => {
  // A story in steps, moving the clock with clock.advance(ms) where time matters.
  it.todo(${JSON.stringify(spec.principle.replace(/\s+/g, " "))});
});
${spec.operations.map((operation) => operationCases(name, operation)).join("")}`;
}

function operationCases(concept: string, operation: SpecOperation): string {
  const named = [...labelled("requires", operation.requires), ...labelled("effects", operation.effects)];
  return `
describe("${concept}.${operation.name}", () => {
  // Replace with the cases below once ${operation.name} is written.
  it("answers { error } until it is written", async () => {
    expect(await concept.${operation.name}(${sampleObject(operation.inputs, "clock.now()")})).toMatchObject({ error: expect.stringContaining("not written yet") });
  });
${named.map((text) => `  it.todo(${JSON.stringify(text)});\n`).join("")}});
`;
}

function labelled(label: string, paragraphs: string[]): string[] {
  return paragraphs.flatMap(clauses).filter((clause) => clause !== "").map((clause) => `${label} ${clause}`);
}
