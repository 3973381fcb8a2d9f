/**
 * A concept's API spec page in the seeds' format (as seeds 000 and 003 show it): purpose,
 * then per operation its description, requirements, effects, request body, success body and
 * error body, generated from the concept's schemas and its `<Name>.spec.md`.
 */
import type { ConceptClass, OperationSchema } from "../../src/engine/concept.ts";
import { jsonSchema } from "../../src/edges/http/json-schema.ts";
import { jsonBlock, shapeOf } from "./json-shape.ts";
import type { ConceptSpec, OperationSpec } from "./spec-md.ts";

type Describable = Pick<ConceptClass, "conceptName" | "schemas">;

const separator = "***";

export function conceptPage(concept: Describable, spec: ConceptSpec): string {
  const lines = [
    `# API Specification: ${concept.conceptName} Concept`,
    "",
    `**Purpose:** ${spec.purpose ?? "(no purpose in the concept's spec)"}`,
    "",
    separator,
    "",
    "## API Endpoints",
    "",
  ];
  for (const [name, schema] of Object.entries(concept.schemas)) {
    lines.push(...endpoint(concept.conceptName, name, schema, spec.operations.get(name)), "");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

function endpoint(conceptName: string, name: string, schema: OperationSchema, spec: OperationSpec | undefined): string[] {
  const lines = [`### POST /api/${conceptName}/${name.replace(/^_/, "\\_")}`, "", `**Description:** ${schema.description ?? "(none)"}`, ""];
  if (schema.kind === "action" && schema.syncOnly === true) lines.push("**Access:** run by synchronizations and trusted services only (a user token gets 403).", "");
  if (spec !== undefined && spec.requires.length > 0) lines.push("**Requirements:**", "", ...spec.requires.map((clause) => `* ${clause}`), "");
  const output = shapeOf(jsonSchema(schema.output, "output"));
  const effects = spec?.effects.length ? spec.effects : schema.kind === "query" ? [`returns an array of rows, each with ${fieldNames(output)}`] : [];
  if (effects.length > 0) lines.push("**Effects:**", "", ...effects.map((clause) => `* ${clause}`), "");
  lines.push(
    "**Request Body:**",
    "",
    jsonBlock(shapeOf(jsonSchema(schema.input, "input"))),
    "",
    `**Success Response Body (${schema.kind === "query" ? "Query" : "Action"}):**`,
    "",
    jsonBlock(schema.kind === "query" ? [output] : output),
    "",
    "**Error Response Body:**",
    "",
    jsonBlock({ error: "string" }),
    "",
    separator,
  );
  return lines;
}

function fieldNames(shape: unknown): string {
  return typeof shape === "object" && shape !== null ? Object.keys(shape).join(", ") : String(shape);
}
