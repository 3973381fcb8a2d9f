/**
 * Links between a concept's operations, for `/docs` and for clients that follow them: an
 * action whose whole answer is a valid request body of another operation of the same
 * concept (`FocusTimer/start` answers `{ timerId }`, which `FocusTimer/pause` takes) links
 * to it with `requestBody: $response.body`, so a reader sees what to call next and with what.
 */
import type { ConceptOperation } from "./concept-routes.ts";
import { jsonSchema, type JsonSchema } from "./json-schema.ts";

export type Links = Record<string, { operationId: string; requestBody: string; description: string }>;

/** The links of each action's success answer, by its operationId (`FocusTimer.start`). */
export function conceptLinks(operations: readonly ConceptOperation[]): Map<string, Links> {
  const found = new Map<string, Links>();
  for (const source of operations) {
    if (source.schema.kind !== "action") continue;
    const answered = fieldsOf(jsonSchema(source.schema.output, "output"));
    if (answered.all.length === 0) continue;
    const links: Links = {};
    for (const target of operations) {
      if (target === source || target.concept !== source.concept) continue;
      const taken = fieldsOf(jsonSchema(target.schema.input, "input"));
      const fits = answered.all.every((field) => taken.all.includes(field)) && taken.required.every((field) => answered.all.includes(field));
      if (fits) links[target.name] = { operationId: `${target.concept}.${target.name}`, requestBody: "$response.body", description: `${target.concept}/${target.name} with this answer as its body` };
    }
    if (Object.keys(links).length > 0) found.set(`${source.concept}.${source.name}`, links);
  }
  return found;
}

function fieldsOf(schema: JsonSchema): { all: string[]; required: string[] } {
  return { all: Object.keys((schema["properties"] ?? {}) as object), required: (schema["required"] ?? []) as string[] };
}
