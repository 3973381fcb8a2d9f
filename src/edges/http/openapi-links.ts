/**
 * Links from an action's answer to the operations whose examples act on the record it made,
 * for `/docs` and for clients that follow them: an operation whose example runs `after`
 * another (`FocusSession/pause` after `FocusSession/start`, `FocusTimer/resume` after
 * `FocusTimer/pause` after `FocusTimer/start`) is linked from the first of that chain, the one
 * that made the record. The link's body is the example with the record's fields taken from the
 * answer (`"{$response.body#/session}"`, a runtime expression embedded in a literal), and
 * `x-after` names the operations to run before it, on the same record. An operation without
 * an example of its own is linked from each action whose whole answer is a body it takes.
 */
import type { OperationExample } from "../../engine/concept.ts";
import type { ConceptOperation } from "./concept-routes.ts";
import { jsonSchema, type JsonSchema } from "./json-schema.ts";

export interface Link {
  readonly operationId: string;
  readonly requestBody: unknown;
  readonly description: string;
  readonly "x-after"?: readonly string[];
}
export type Links = Record<string, Link>;

/** An operation's example run in order: the operations before it, the first of them the one whose answer names the record. */
export interface ExampleChain {
  /** The operation that makes the record (its example has no `after`). */
  readonly maker: ConceptOperation;
  /** The operations after the maker and before this one, in order. */
  readonly between: readonly ConceptOperation[];
}

export const operationIdOf = ({ concept, name }: ConceptOperation): string => `${concept}.${name}`;

/** The links of each action's success answer, by its operationId (`FocusTimer.start`). */
export function conceptLinks(operations: readonly ConceptOperation[]): Map<string, Links> {
  const found = new Map<string, Links>();
  const add = (source: ConceptOperation, name: string, link: Link) => found.set(operationIdOf(source), { ...found.get(operationIdOf(source)), [name]: link });
  for (const target of operations) {
    if (target.schema.example === undefined) {
      for (const source of answersAsBody(target, operations)) {
        add(source, target.name, { operationId: operationIdOf(target), requestBody: "$response.body", description: `${target.concept}/${target.name} with this answer as its body` });
      }
      continue;
    }
    const chain = exampleChain(target, operations);
    if (chain === undefined) continue;
    const { maker, between } = chain;
    const answered = fieldsOf(jsonSchema(maker.schema.output, "output"));
    const before = between.map((operation) => `${operation.concept}/${operation.name}`);
    const link: Link = {
      operationId: operationIdOf(target),
      requestBody: withAnsweredFields(target.schema.example!.input, answered),
      description: `${target.concept}/${target.name} on the record this made${before.length === 0 ? "" : `, after ${before.join(" then ")}`}`,
      ...(between.length === 0 ? {} : { "x-after": between.map(operationIdOf) }),
    };
    add(maker, target.name, link);
  }
  return found;
}

/**
 * For an operation without an example of its own (a concept just scaffolded): the actions of
 * its concept whose whole answer is a body it takes (`create` answers `{ item }`, which
 * `remove` takes), so that its generated example can run on the record one of them made.
 */
function answersAsBody(target: ConceptOperation, operations: readonly ConceptOperation[]): ConceptOperation[] {
  const taken = jsonSchema(target.schema.input, "input");
  const takenFields = fieldsOf(taken);
  const required = (taken["required"] ?? []) as string[];
  return operations.filter((source) => {
    if (source === target || source.concept !== target.concept || source.schema.kind !== "action") return false;
    const answered = fieldsOf(jsonSchema(source.schema.output, "output"));
    return answered.length > 0 && answered.every((field) => takenFields.includes(field)) && required.every((field) => answered.includes(field));
  });
}

/** The chain an operation's example runs after, or undefined when it runs as it stands. */
export function exampleChain(target: ConceptOperation, operations: readonly ConceptOperation[]): ExampleChain | undefined {
  const chain: ConceptOperation[] = [];
  let current: OperationExample | undefined = target.schema.example;
  while (current?.after !== undefined) {
    const after = current.after;
    const previous = operations.find((operation) => operation.concept === target.concept && operation.name === after);
    if (previous === undefined || previous.schema.kind !== "action") throw new Error(`${operationIdOf(target)}'s example runs after ${target.concept}.${after}, which is no action of ${target.concept}`);
    if (previous === target || chain.includes(previous)) throw new Error(`${operationIdOf(target)}'s example runs after itself (through ${target.concept}.${after})`);
    chain.unshift(previous);
    current = previous.schema.example;
  }
  return chain.length === 0 ? undefined : { maker: chain[0]!, between: chain.slice(1) };
}

/** The example with each field the maker answers replaced by a runtime expression reading it from that answer. */
function withAnsweredFields(input: unknown, answered: readonly string[]): unknown {
  if (typeof input !== "object" || input === null) return input;
  return Object.fromEntries(Object.entries(input).map(([key, value]) => [key, answered.includes(key) ? `{$response.body#/${key}}` : value]));
}

function fieldsOf(schema: JsonSchema): string[] {
  return Object.keys((schema["properties"] ?? {}) as object);
}
