/**
 * The indexes a spec's look-ups imply: a query looks its rows up by its required arguments,
 * so each query gets an index, on the set it reads (the one whose fields its results and
 * arguments name most), over those arguments that are fields of that set. A set's own id
 * (the argument named for its element, or a field kept as `_id`) needs none.
 */
import { elementOf, type ConceptSpecDoc, type StateSet } from "../../spec/format/parse.ts";

export interface ImpliedIndex {
  set: StateSet;
  fields: string[];
  name: string;
}

export function impliedIndexes(spec: ConceptSpecDoc): ImpliedIndex[] {
  const found = new Map<string, ImpliedIndex>();
  for (const query of spec.operations.filter((operation) => operation.kind === "query")) {
    const named = [...query.inputs, ...query.outputs].map((field) => field.name);
    const set = [...spec.sets].sort((a, b) => overlap(b, named) - overlap(a, named))[0];
    if (set === undefined || overlap(set, named) === 0) continue;
    const ownId = lowerFirst(elementOf(set.name));
    const keyed = new Set(set.fields.filter((field) => !field.storedAsId && field.name !== ownId).map((field) => field.name));
    const fields = query.inputs.filter((input) => !input.optional && keyed.has(input.name)).map((input) => input.name);
    if (fields.length === 0) continue;
    const name = `by_${fields.join("_")}`;
    found.set(`${set.name}.${name}`, { set, fields, name });
  }
  return [...found.values()];
}

function overlap(set: StateSet, names: string[]): number {
  return set.fields.filter((field) => names.includes(field.name)).length;
}

export function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
